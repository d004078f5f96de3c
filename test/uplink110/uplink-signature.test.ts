import t from 'tap';
import { retryDelay } from '../../src/uplink110/send-message.js';
import { SIGNATURE_ERRORS, signature, signedHeaders, verifySignature } from '../../src/uplink110/uplink-signature.js';

// Vectors computed once with OpenSSL, not with the code under test:
//   printf '%s' 'arc.1795420800.{"kind":"notify","incidentId":"42"}' | openssl dgst -sha256 -hmac 'arc-dev-uplink110-secret-not-for-production'
//   printf '%s' 'k2.1795420800.' | openssl dgst -sha256 -hmac 'another shared secret!'
const AT_S = 1795420800; // 2026-11-23T08:00:00Z
const DEV = { keyId: 'arc', secret: 'arc-dev-uplink110-secret-not-for-production' };
const BODY = '{"kind":"notify","incidentId":"42"}';
const VECTORS = [
  { key: DEV, body: BODY, hex: 'd291a58974c7da3d90e48017606218aa9c29c43c002401c73046362a12cb942f' },
  { key: { keyId: 'k2', secret: 'another shared secret!' }, body: '', hex: '76535bcec5ed539304dee82c4b68029d5f377c77ac39bc700f459b81bc895e54' },
];

t.test('signs keyId.timestamp.body with HMAC-SHA256 as OpenSSL does', async (t) => {
  for (const v of VECTORS) {
    t.equal(signature(v.key, AT_S, v.body), v.hex);
    t.equal(signature(v.key, AT_S, Buffer.from(v.body)), v.hex, 'bytes or text alike');
  }
  t.same(signedHeaders(DEV, BODY, AT_S * 1000 + 999), { 'x-arc-key-id': 'arc', 'x-arc-timestamp': String(AT_S), 'x-arc-signature': VECTORS[0]!.hex }, 'the timestamp in whole seconds');
});

t.test('the verifier takes a good signature and refuses each bad one with its code', async (t) => {
  const secretFor = (id: string) => (id === 'arc' ? DEV.secret : undefined);
  const headers = { 'x-arc-key-id': 'arc', 'x-arc-timestamp': String(AT_S), 'x-arc-signature': VECTORS[0]!.hex };
  const at = AT_S * 1000;
  t.same(verifySignature(headers, BODY, secretFor, at), { ok: true, keyId: 'arc' });
  t.same(verifySignature(headers, Buffer.from(BODY), secretFor, at + 300_000), { ok: true, keyId: 'arc' }, '5 minutes late is still in');
  t.same(verifySignature(headers, BODY, secretFor, at - 300_000), { ok: true, keyId: 'arc' }, '5 minutes early too');
  const code = (h: Record<string, string | undefined>, body = BODY, now = at) => {
    const r = verifySignature(h, body, secretFor, now);
    return r.ok ? 'ok' : r.code;
  };
  t.equal(code({}), 'UPLINK_SIGNATURE_MISSING');
  t.equal(code({ ...headers, 'x-arc-signature': '' }), 'UPLINK_SIGNATURE_MISSING');
  t.equal(code({ ...headers, 'x-arc-key-id': 'k2' }), 'UPLINK_UNKNOWN_KEY');
  t.equal(code(headers, BODY, at + 301_000), 'UPLINK_STALE_TIMESTAMP', 'a replay after 5 minutes');
  t.equal(code(headers, BODY, at - 301_000), 'UPLINK_STALE_TIMESTAMP', 'a clock far ahead');
  t.equal(code({ ...headers, 'x-arc-timestamp': '1e9' }), 'UPLINK_STALE_TIMESTAMP', 'not a number of seconds');
  t.equal(code(headers, BODY.replace('42', '43')), 'UPLINK_BAD_SIGNATURE', 'a body changed by one byte');
  t.equal(code(headers, `${BODY} `), 'UPLINK_BAD_SIGNATURE', 'or re-serialised');
  t.equal(code({ ...headers, 'x-arc-signature': VECTORS[0]!.hex.slice(2) }), 'UPLINK_BAD_SIGNATURE', 'a short signature');
  t.equal(code({ ...headers, 'x-arc-signature': 'zz'.repeat(32) }), 'UPLINK_BAD_SIGNATURE', 'not hex');
  t.equal(code({ ...headers, 'x-arc-timestamp': String(AT_S + 1) }, BODY, at), 'UPLINK_BAD_SIGNATURE', 'the timestamp is signed');
  t.equal(code({ ...headers, 'x-arc-signature': VECTORS[0]!.hex.toUpperCase() }), 'ok', 'hex in either case');
  t.same(Object.keys(SIGNATURE_ERRORS).sort(), ['UPLINK_BAD_SIGNATURE', 'UPLINK_SIGNATURE_MISSING', 'UPLINK_STALE_TIMESTAMP', 'UPLINK_UNKNOWN_KEY']);
});

t.test('retries back off by doubling, capped', async (t) => {
  const retry = { initialMs: 1000, maxMs: 30_000 };
  t.same([1, 2, 3, 4, 5, 6, 7, 100].map((n) => retryDelay(n, retry)), [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
});
