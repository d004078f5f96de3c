import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { arcBin, arcEnv } from '../helpers/arc-process.js';
import t from 'tap';
import { COMMANDS } from '../../src/cli/main.js';
import { loadVectors, repoRoot, wireBytes } from '../helpers/vectors.js';

function run(args: string[], input = ''): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [arcBin, ...args], { env: arcEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(Buffer.from(input, 'latin1'));
  });
}

const lines = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as { ok: boolean; format?: string; error?: { code: string }; frame?: Record<string, unknown>; events?: Record<string, unknown>[] });

t.test('decodes every DC-09 and Contact ID vector, one JSON object per line, in order', async (t) => {
  const dc09 = loadVectors<{ vectors: { id: string; wire?: string; wire_hex?: string; valid: boolean; key?: { hex: string }; expect: { account?: string | null; encrypted: boolean } }[] }>('sia_dc09.json').vectors
    // The key-less *ADM-CID and the 2020 encrypted frames have their own tests in protocols/.
    .filter((v) => !v.expect.encrypted || (v.key && v.id.startsWith('dc09_spt')));
  const cid = loadVectors<{ vectors: { id: string; digits: string; valid: boolean; expect?: { message_type: string } }[] }>('contact_id.json').vectors;
  const input = [
    ...dc09.map((v) => JSON.stringify(wireBytes(v).toString('latin1'))),
    ...cid.map((v) => v.digits),
  ].join('\n');
  const keys = ['--key', '1234=30313233343536373839414243444546'];
  // The AES-256 vectors use the same account: run them apart with their own key.
  const r128 = await run(['decode', '--now', '2026-11-22T12:44:30Z', ...keys], input);
  t.equal(r128.code, 0);
  const got = lines(r128.out);
  t.equal(got.length, dc09.length + cid.length, 'one line out per line in');
  dc09.forEach((v, i) => {
    const aes256 = v.id.includes('aes256');
    if (aes256) t.match(got[i], { ok: false, error: { code: 'DECRYPT_FAILED' } }, `${v.id} with the AES-128 key`);
    else t.match(got[i], v.valid ? { ok: true, format: 'dc09' } : { ok: false, error: { code: 'LENGTH_MISMATCH' } }, v.id);
  });
  cid.forEach((v, i) => {
    const expected = !v.valid ? { ok: false } : v.expect!.message_type === '18' ? { ok: true, format: 'contact-id' } : { ok: false, error: { code: 'MALFORMED' } };
    t.match(got[dc09.length + i], expected, v.id);
  });
  const aes = dc09.filter((v) => v.id.includes('aes256'));
  const r256 = await run(['decode', '--now', '2026-11-22T12:44:30Z', '--key', '1234=ascii:0123456789ABCDEF0123456789ABCDEF'],
    aes.map((v) => JSON.stringify(wireBytes(v).toString('latin1'))).join('\n'));
  t.match(lines(r256.out), aes.map(() => ({ ok: true, frame: { encrypted: true, account: '1234' } })), 'AES-256 with an ASCII key');
});

t.test('prints the fields the issue names for DC-09 frames and events', async (t) => {
  const r = await run(['decode', '--now', '2026-11-22T12:44:30Z'], '\\nF92F0043"ADM-CID"0020R7896L7896#3456[#3456|1407 00 001]_17:01:14,07-26-2024\\r\n');
  t.same(lines(r.out), [{
    ok: true, format: 'dc09',
    frame: { token: 'ADM-CID', encrypted: false, seq: 20, receiver: '7896', prefix: '7896', account: '3456', data: '#3456|1407 00 001', extended: [], timestamp: '2024-07-26T17:01:14.000Z', crcFormat: 'hex' },
    events: [{ account: '3456', protocol: 'contact-id', code: '407', qualifier: 'new', eventClass: 'open_close', category: 'open_close', description: 'Remote arm/disarm', zone: null, user: 1, partition: null, emergency: false, panelTime: '2024-07-26T17:01:14.000Z', text: null }],
  }], 'a literal line with escapes, decoded completely');
});

t.test('no input line stops it: garbage, bad escapes, bad JSON, wrong format each get an error line', async (t) => {
  const input = ['garbage', '\\q', '"unterminated', '"\\u4e2d"', '\\x00\\xff\\x14', '1234181131010158', 'x'.repeat(10_000)].join('\n');
  const r = await run(['decode', '--format', 'dc09'], input);
  t.equal(r.code, 0);
  t.match(lines(r.out), [
    { ok: false, error: { code: 'MALFORMED' } },
    { ok: false, error: { code: 'MALFORMED' } },
    { ok: false, error: { code: 'MALFORMED' } },
    { ok: false, error: { code: 'MALFORMED' } },
    { ok: false, error: { code: 'MALFORMED' } },
    { ok: false, error: { code: 'MALFORMED' } },
    { ok: false, error: { code: 'OVERSIZED' } },
  ]);
});

t.test('reads receiver records, and CFSK codes through the table given', async (t) => {
  const input = ['"501100 181234E12101001\\u0014"', '1234564103'].join('\n');
  const plain = lines((await run(['decode'], input)).out);
  t.match(plain, [
    { ok: true, format: 'surgard', frame: { receiver: '01', line: '100' }, events: [{ code: '121', emergency: true, user: 1 }] },
    { ok: true, format: 'cfsk', events: [{ code: '41', eventClass: 'unclassified' }] },
  ]);
  const table = join(repoRoot, 'fixtures', 'cfsk-event-table.example.json');
  const mapped = lines((await run(['decode', '--cfsk-table', table], input)).out);
  t.match(mapped[1], { ok: true, events: [{ code: '41', eventClass: 'alarm', category: 'panic_holdup', emergency: true, zone: 3 }] });
});

t.test('options that are wrong exit 2 with a message that says what is allowed', async (t) => {
  for (const [args, message] of [
    [['--format', 'morse'], /--format is one of auto, contact-id, dc09/],
    [['--key', '1234'], /--key is ACCOUNT=KEY/],
    [['--key', '1234=abc'], /--key for account 1234: an AES key is/],
    [['--now', 'yesterday'], /--now is an ISO 8601 time/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--cfsk-table', '/nonexistent.json'], /--cfsk-table: cannot read \/nonexistent.json \(ENOENT\)/],
  ] as const) {
    const r = await run(['decode', ...args]);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.err, message);
  }
});

t.test('every subcommand has --help, and arc --help lists them all', async (t) => {
  const overview = await run(['--help']);
  t.equal(overview.code, 0);
  for (const c of COMMANDS) {
    t.match(overview.out, new RegExp(`^  ${c.name} +${c.summary.replace(/[()`]/g, '.')}$`, 'm'));
    const help = await run([c.name, '--help']);
    t.equal(help.code, 0, `${c.name} --help`);
    t.match(help.out, `Usage: arc ${c.name}`);
  }
  const unknown = await run(['frobnicate']);
  t.equal(unknown.code, 2);
  t.match(unknown.err, 'unknown command "frobnicate"');
});
