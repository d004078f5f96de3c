import t from 'tap';
import { createHash } from 'node:crypto';
import { appendAudits, chainRows } from '../../src/audit/append-audit.js';
import { auditHash } from '../../src/audit/audit-hash.js';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { verifyAuditChain } from '../../src/audit/verify-audit-chain.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';

/**
 * The text the audit hash was taken over before canonicalJson was written in one pass: the
 * detail through JSON and back (what jsonb stores), then a sorted copy, then JSON.stringify.
 * Every chain already written was hashed so; the one-pass writer must give the same text.
 */
function reference(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v === null || typeof v !== 'object') return v;
    const record = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => [key, sortKeys(record[key])]),
    );
  };
  return JSON.stringify(sortKeys(JSON.parse(JSON.stringify(value)) as unknown));
}

/** A small seeded generator (mulberry32), so a failure names a case that can be run again. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value of the kinds an action's detail holds, and the ones JSON drops or rewrites. */
function arbitrary(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 8 : 10));
  const keys = ['zone', 'b', 'a', 'Z', '防区', 'journalSeq', '10', '2', 'a b', 'é'];
  switch (pick) {
    case 0:
      return null;
    case 1:
      return Math.floor(next() * 2000) - 1000;
    case 2:
      return [0.5, -0, 1e21, NaN, Infinity][Math.floor(next() * 5)];
    case 3:
      return ['', 'alarm "quoted"', 'line\nbreak', '接警中心', '\u2028', 'back\\slash'][Math.floor(next() * 6)];
    case 4:
      return next() < 0.5;
    case 5:
      return undefined;
    case 6:
      return new Date(1_790_000_000_000 + Math.floor(next() * 1e9));
    case 7:
      return () => 'a function';
    case 8:
      return Array.from({ length: Math.floor(next() * 4) }, () => arbitrary(next, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 5); i > 0; i--) object[keys[Math.floor(next() * keys.length)]!] = arbitrary(next, depth + 1);
      return object;
    }
  }
}

t.test('canonical JSON: keys sorted at every depth, the same text whatever order they came in', async (t) => {
  t.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  t.equal(canonicalJson({ a: { c: null, d: [3, { y: 2, z: 1 }] }, b: 1 }), canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }));
  t.equal(canonicalJson([{ b: 2, a: 1 }, 'x']), '[{"a":1,"b":2},"x"]', 'array order is kept: it is data');
  // As the chain has always been hashed: the sorted copy was an object, which puts integer keys first, in numeric order.
  t.equal(canonicalJson({ b: 1, '10': 2, a: 3, '2': 4, '07': 5, '-1': 6 }), '{"2":4,"10":2,"-1":6,"07":5,"a":3,"b":1}');
});

t.test('canonical JSON reads a value as JSON does: what jsonb stores hashes the same as what the writer audited', async (t) => {
  const at = new Date('2026-12-07T21:00:00.123Z');
  t.equal(canonicalJson({ at, gone: undefined, fn: () => 1, list: [undefined, () => 1, NaN, 2] }), '{"at":"2026-12-07T21:00:00.123Z","list":[null,null,null,2]}');
  t.equal(canonicalJson({ boxed: Object('text') as string, custom: { toJSON: () => ({ b: 1, a: 2 }) } }), '{"boxed":"text","custom":{"a":2,"b":1}}');
  t.throws(() => canonicalJson({ n: 1n }), TypeError, 'a bigint is refused, as by JSON.stringify');

  const next = random(20261207);
  let checked = 0;
  for (let i = 0; i < 5_000; i++) {
    const detail = { detail: arbitrary(next, 0) };
    const got = canonicalJson(detail);
    const stored = canonicalJson(JSON.parse(JSON.stringify(detail)) as unknown);
    if (got !== reference(detail) || stored !== got) {
      t.fail(`case ${i}: ${got}, after JSON ${stored}, before ${reference(detail)}`);
      return;
    }
    checked++;
  }
  t.equal(checked, 5_000, 'every generated case gives the text the chain was hashed with before, and the same after a trip through JSON');
});

/** The row hash as it was taken before (the facts with the detail through JSON and back, in `reference`'s text). */
function referenceHash(prev: string, row: { seq: string; at: Date; actor: string; action: string; subjectType: string; subjectId: string }, detail: unknown): string {
  const facts = { prev, seq: row.seq, at: row.at.toISOString(), actor: row.actor, action: row.action, subjectType: row.subjectType, subjectId: row.subjectId, detail };
  return createHash('sha256').update(reference(facts)).digest('hex');
}

t.test('a chained row stores the text it was hashed over: the verifier, reading it back, gets the same hash, and the same as before', async (t) => {
  const next = random(7);
  const at = new Date('2026-12-07T21:00:00.123Z');
  let counter = 0;
  const awkward: unknown[] = [
    { get reading() { return ++counter; } }, // read once: the row and the hash agree
    { custom: Object.assign(() => 1, { toJSON: () => 'a function that says what it is' }) },
    { toJSON: (key: string) => ({ key }) },
  ];
  const details = [...awkward, ...Array.from({ length: 2_000 }, () => arbitrary(next, 0))].map((d) => (d !== null && typeof d === 'object' && !Array.isArray(d) ? d : { value: d }));
  const entries = details.map((detail, i) => ({ actor: 'system', action: 'incident.opened', subjectType: 'incident', subjectId: String(i), detail: detail, at }));
  const rows = chainRows('0'.repeat(64), entries.map((_, i) => String(i + 1)), entries);
  let prev = '0'.repeat(64);
  for (const [i, row] of rows.entries()) {
    const stored = JSON.parse(row.detail) as object;
    const facts = { seq: row.seq, at, actor: row.actor, action: row.action, subjectType: row.subject_type, subjectId: row.subject_id };
    const verified = auditHash(prev, { ...facts, detail: stored });
    const before = i < awkward.length ? verified : referenceHash(prev, facts, entries[i]!.detail);
    if (row.hash !== verified || row.hash !== before || row.prev_hash !== prev) {
      t.fail(`row ${i}: hashed ${row.hash}, verified ${verified}, before ${before}; detail ${row.detail}`);
      return;
    }
    prev = row.hash;
  }
  t.pass(`${rows.length} rows: each verifies from its stored detail, and the generated ones hash as they did before`);
});

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: a row audited with a Date, undefined members and a sparse list verifies once jsonb has stored it`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    const at = new Date('2026-12-07T21:00:00.123Z');
    await appendAudits(store.db, [
      { actor: 'system', action: 'incident.opened', subjectType: 'incident', subjectId: '1', detail: { receivedAt: at, zone: undefined, zones: [3, undefined, 1], 防区: { b: 2, a: 1 } }, at },
      { actor: 'system', action: 'incident.closed', subjectType: 'incident', subjectId: '1', at },
    ]);
    t.match(await verifyAuditChain(store.db), { ok: true, rows: 2 });
    const stored = await store.db.selectFrom('audit_log').select('detail').orderBy('seq').executeTakeFirstOrThrow();
    t.same(stored.detail, { receivedAt: '2026-12-07T21:00:00.123Z', zones: [3, null, 1], 防区: { a: 1, b: 2 } }, 'stored as JSON reads it');
  });
}
