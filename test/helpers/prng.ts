/** A small seeded PRNG (mulberry32), so that a failing fuzz case can be replayed by its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A copy of `bytes` with one random change: a flipped bit, a byte set, inserted or deleted, or a cut. */
export function mutate(bytes: Uint8Array, random: () => number): Buffer {
  const b = Buffer.from(bytes);
  const at = Math.floor(random() * Math.max(1, b.length));
  const byte = Math.floor(random() * 256);
  switch (Math.floor(random() * 5)) {
    case 0:
      if (b.length) b[at] = b[at]! ^ (1 << Math.floor(random() * 8));
      return b;
    case 1:
      if (b.length) b[at] = byte;
      return b;
    case 2:
      return Buffer.concat([b.subarray(0, at), Buffer.from([byte]), b.subarray(at)]);
    case 3:
      return Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
    default:
      return b.subarray(0, at);
  }
}
