import { Writable } from 'node:stream';
import t from 'tap';
import { buildHttpServer } from '../../src/console/http-server.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { TEST_DATABASES } from '../helpers/databases.js';

const silent = () => createLogger({ logLevel: 'silent', nodeId: 'test', nodeEnv: 'test' }, new Writable({ write: (_c, _e, done) => done() }));

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: /healthz is ok while the database answers, 503 once it does not`, async (t) => {
    const store = await database.open(t);
    const app = buildHttpServer({ config: { nodeId: 'arc-a' }, store, metrics: createMetrics(), logger: silent() });
    t.teardown(() => app.close());
    const ok = await app.inject('/healthz');
    t.equal(ok.statusCode, 200);
    t.same(ok.json(), { status: 'ok', node: 'arc-a', database: database.name });
    await store.close();
    const down = await app.inject('/healthz');
    t.equal(down.statusCode, 503, 'a node that cannot store signals is not healthy');
    t.match(down.json(), { status: 'unavailable', node: 'arc-a', reason: /^database: / });
  });
}

t.test('/metrics serves the Prometheus text of this server\'s own registry', async (t) => {
  const store = await TEST_DATABASES[0]!.open(t);
  const a = buildHttpServer({ config: { nodeId: 'a' }, store, metrics: createMetrics(), logger: silent() });
  const b = buildHttpServer({ config: { nodeId: 'b' }, store, metrics: createMetrics(), logger: silent() });
  t.teardown(() => Promise.all([a.close(), b.close()]));
  const res = await a.inject('/metrics');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  t.match(res.body, /^# TYPE arc_process_cpu_user_seconds_total counter$/m);
  t.equal((await b.inject('/metrics')).statusCode, 200, 'two servers in one process each have their registry');
});
