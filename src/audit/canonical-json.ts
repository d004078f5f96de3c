/**
 * JSON with object keys sorted at every depth. The audit hash is computed over it, because
 * PostgreSQL's jsonb hands `detail` back with its keys reordered: the writer and the verifier
 * must hash the same text whatever order the keys came in.
 *
 * It reads `value` as JSON.stringify would (a `toJSON` is called, so a Date is its ISO text;
 * undefined, functions and symbols are left out of objects and are null in arrays; a number
 * that is not finite is null), so the text is the same whether `value` is the object a writer
 * audits or that object after a trip through JSON (what jsonb stores and the verifier reads back).
 * Written in one pass, without building the sorted copy: the incidents consumer hashes every
 * action it writes, two or more per alarm.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '') ?? 'null';
}

/** Text already written by canonicalJson, put in place as it is (see rawJson). */
class RawJson {
  constructor(readonly text: string) {}
}

/**
 * A member whose canonical text is already written: the audit row hashes its detail's text and
 * stores the same text, so the detail is read once (auditHashOver).
 */
export function rawJson(canonicalText: string): unknown {
  return new RawJson(canonicalText);
}

/** The text of `value` (whose key in its parent is `key`), or undefined where JSON.stringify leaves the member out. */
function write(value: unknown, key: string): string | undefined {
  // As JSON.stringify: any object's toJSON, a function's too.
  if (value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint': // JSON.stringify throws for it, and so does this
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (value instanceof RawJson) return value.text;
      if (Array.isArray(value)) {
        let text = '[';
        for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + (write(value[i], String(i)) ?? 'null');
        return text + ']';
      }
      // A boxed primitive (new String('x')) is its primitive, as in JSON.stringify.
      if (value instanceof Number || value instanceof String || value instanceof Boolean) return JSON.stringify(value);
      const record = value as Record<string, unknown>;
      let text = '{';
      for (const k of memberOrder(record)) {
        const member = write(record[k], k);
        if (member === undefined) continue;
        text += (text.length === 1 ? '' : ',') + JSON.stringify(k) + ':' + member;
      }
      return text + '}';
    }
    default: // undefined, a function, a symbol
      return undefined;
  }
}

/**
 * The order the chain has always hashed members in: the keys sorted, then set on a new object
 * (the sorted copy JSON.stringify was given), where an object puts its integer keys ("2",
 * "10") first, in numeric order, before the others. Object.keys already lists those first in
 * that order; the rest are sorted.
 */
function memberOrder(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  let indices = 0;
  while (indices < keys.length && isArrayIndex(keys[indices]!)) indices++;
  if (indices === 0) return keys.sort();
  return indices === keys.length ? keys : [...keys.slice(0, indices), ...keys.slice(indices).sort()];
}

/** Whether a key is an array index ("0", "7", "10"; not "07" or "-1"), which objects order first. */
function isArrayIndex(key: string): boolean {
  if (key.length === 0 || key.length > 10) return false;
  if (key === '0') return true;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57 || (i === 0 && c === 48)) return false;
  }
  return Number(key) < 4294967295;
}
