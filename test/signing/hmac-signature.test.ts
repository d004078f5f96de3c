import t from 'tap';
import { SIGNATURE_FAULTS, signature, signatureErrorCode, signedHeaders, verifySignature } from '../../src/signing/hmac-signature.js';

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
    return r.ok ? 'ok' : r.fault;
  };
  t.equal(code({}), 'SIGNATURE_MISSING');
  t.equal(code({ ...headers, 'x-arc-signature': '' }), 'SIGNATURE_MISSING');
  t.equal(code({ ...headers, 'x-arc-key-id': 'k2' }), 'UNKNOWN_KEY');
  t.equal(code(headers, BODY, at + 301_000), 'STALE_TIMESTAMP', 'a replay after 5 minutes');
  t.equal(code(headers, BODY, at - 301_000), 'STALE_TIMESTAMP', 'a clock far ahead');
  t.equal(code({ ...headers, 'x-arc-timestamp': '1e9' }), 'STALE_TIMESTAMP', 'not a number of seconds');
  t.equal(code(headers, BODY.replace('42', '43')), 'BAD_SIGNATURE', 'a body changed by one byte');
  t.equal(code(headers, `${BODY} `), 'BAD_SIGNATURE', 'or re-serialised');
  t.equal(code({ ...headers, 'x-arc-signature': VECTORS[0]!.hex.slice(2) }), 'BAD_SIGNATURE', 'a short signature');
  t.equal(code({ ...headers, 'x-arc-signature': 'zz'.repeat(32) }), 'BAD_SIGNATURE', 'not hex');
  t.equal(code({ ...headers, 'x-arc-timestamp': String(AT_S + 1) }, BODY, at), 'BAD_SIGNATURE', 'the timestamp is signed');
  t.equal(code({ ...headers, 'x-arc-signature': VECTORS[0]!.hex.toUpperCase() }), 'ok', 'hex in either case');
  t.same(Object.keys(SIGNATURE_FAULTS).sort(), ['BAD_SIGNATURE', 'SIGNATURE_MISSING', 'STALE_TIMESTAMP', 'UNKNOWN_KEY']);
});

t.test("each link answers a fault with a code of its own, the link's name first", async (t) => {
  t.equal(signatureErrorCode('UPLINK', 'BAD_SIGNATURE'), 'UPLINK_BAD_SIGNATURE', 'the 110 link keeps the codes it always had');
  t.equal(signatureErrorCode('DIALLER', 'SIGNATURE_MISSING'), 'DIALLER_SIGNATURE_MISSING');
});
