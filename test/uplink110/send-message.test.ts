import t from 'tap';
import { retryDelay } from '../../src/uplink110/send-message.js';

t.test('retries back off by doubling, capped', async (t) => {
  const retry = { initialMs: 1000, maxMs: 30_000 };
  t.same([1, 2, 3, 4, 5, 6, 7, 100].map((n) => retryDelay(n, retry)), [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
});
