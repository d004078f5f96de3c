import { Writable } from 'node:stream';
import type { Test } from 'tap';
import { buildHttpServer } from '../../src/console/http-server.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { ReloadableAccountDirectory } from '../../src/receivers/account-store.js';
import type { Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import type { TestDatabase } from '../helpers/databases.js';

/**
 * A server on a fresh, migrated database, with an account directory the receivers would use,
 * reloaded by the routes' onAccountsChanged (as `serve` wires it), and every log line kept.
 */
export async function customerServer(t: Test, database: TestDatabase) {
  const store: Store = await database.open(t);
  await migrateToLatest(store.db);
  const logs: string[] = [];
  const logger = createLogger({ logLevel: 'trace', nodeId: 'test', nodeEnv: 'test' }, new Writable({ write: (c: Buffer, _e, done) => (logs.push(c.toString()), done()) }));
  const directory = new ReloadableAccountDirectory(store.db);
  let reloads = 0;
  const app = buildHttpServer({
    config: { nodeId: 'a' },
    store,
    metrics: createMetrics(),
    logger,
    now: () => new Date('2026-11-23T08:00:00Z'),
    onAccountsChanged: async () => {
      reloads++;
      await directory.reload();
    },
  });
  t.teardown(() => app.close());
  return { store, app, directory, logs, reloads: () => reloads };
}

export const KEY_HEX = '2B7E151628AED2A6ABF7158809CF4F3C';
export const KEY_ASCII = 'Lz7#kQ2!mW9@xR4$';

/** A valid customer body, as an admin's client would send it. */
export function bankBody(overrides: Record<string, unknown> = {}) {
  return {
    name: '工商银行北京朝阳路支行',
    address: '北京市朝阳区朝阳路 88 号',
    position: { lat: 39.9219, lng: 116.4836 },
    contractType: 'buy_out',
    serviceStatus: 'in_service',
    passcode: '731946',
    duressCode: '731947',
    accounts: [{ number: '10000', aesKey: KEY_HEX, encryptedOnly: true }, { number: '10100' }],
    zones: [
      { account: '10000', number: 1, name: '柜台抢劫按钮', location: '营业厅', type: 'hold_up', principle: 'button' },
      { account: '10000', number: 3, name: '金库门磁', location: '金库', type: 'burglary', principle: 'contact', linkedGroup: '金库' },
      { account: '10000', number: 4, name: '金库震动', location: '金库', type: 'burglary', principle: 'vibration', linkedGroup: '金库' },
      { account: '10100', number: 1, name: 'ATM 震动', location: '自助银行', type: 'burglary', principle: 'vibration' },
    ],
    contacts: [
      { name: '刘建国', relation: '网点主任', phones: ['13800001001', '010-6500-1001'] },
      { name: '王丽', relation: '安全保卫员', phones: ['13800001002'] },
    ],
    panelUsers: [{ account: '10000', number: 1, name: '刘建国' }],
    reportingIntervalS: 300,
    schedule: [{ day: 1, open: '08:30', close: '17:30' }],
    guardArea: '朝阳一区',
    videoLinks: ['rtsp://video.demo.invalid/hall'],
    ...overrides,
  };
}
