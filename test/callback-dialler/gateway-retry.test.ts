import t from 'tap';
import { GATEWAY_RETRY, nextAttempt, type GatewayRetry } from '../../src/callback-dialler/gateway-retry.js';

t.test('the first attempt goes at once, the next ones after a doubling wait', async (t) => {
  t.same(nextAttempt(GATEWAY_RETRY, 0, 0), { delayMs: 0, timeoutMs: 2_000 });
  t.same([1, 2, 3, 4].map((failed) => nextAttempt(GATEWAY_RETRY, failed, 0)?.delayMs), [250, 500, 1_000, 2_000]);
});

t.test('a few attempts, then the gateway is given up on', async (t) => {
  t.equal(nextAttempt(GATEWAY_RETRY, GATEWAY_RETRY.maxAttempts, 0), null, `${GATEWAY_RETRY.maxAttempts} attempts at most`);
  const many: GatewayRetry = { ...GATEWAY_RETRY, maxAttempts: 100 };
  t.same(nextAttempt(many, 20, 0), { delayMs: 2_000, timeoutMs: 2_000 }, 'the wait is capped');
});

t.test('every attempt starts and ends within the give-up time, under the shortest answer time a policy allows', async (t) => {
  t.ok(GATEWAY_RETRY.giveUpAfterMs < 10_000, 'a call the gateway takes late would ring after the engine has moved on');
  t.same(nextAttempt(GATEWAY_RETRY, 3, 6_500), { delayMs: 1_000, timeoutMs: 500 }, 'the last attempt is cut short at the give-up time');
  t.equal(nextAttempt(GATEWAY_RETRY, 3, 7_000), null, 'no attempt that could not be answered in time');
  t.equal(nextAttempt(GATEWAY_RETRY, 1, 7_700), null, 'nor one that would start too late to matter');
});

t.test('a worst case: every attempt times out, and all of it stays inside the give-up time', async (t) => {
  let elapsed = 0;
  let attempts = 0;
  for (let failed = 0; ; failed++) {
    const next = nextAttempt(GATEWAY_RETRY, failed, elapsed);
    if (next === null) break;
    elapsed += next.delayMs + next.timeoutMs;
    attempts += 1;
  }
  t.ok(elapsed <= GATEWAY_RETRY.giveUpAfterMs, `${elapsed} ms`);
  t.ok(attempts >= 3, `${attempts} attempts`);
});
