import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { DEFAULT_TICKET_POLICY } from '../../src/maintenance/ticket-policy.js';
import { loadConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/config/config-error.js';

t.test('with no settings arc runs on its defaults', async (t) => {
  const config = loadConfig({});
  t.match(config, { httpPort: 8080, httpHost: '0.0.0.0', dataDir: './data', logLevel: 'info', databaseUrl: undefined });
  t.match(config.nodeId, /^[A-Za-z0-9._-]{1,64}$/, 'the node id defaults to the host name');
  t.ok(Object.isFrozen(config), 'the configuration cannot be changed after start-up');
});

t.test('environment variables set each setting', async (t) => {
  t.match(loadConfig({ ARC_HTTP_PORT: '9000', ARC_DATA_DIR: '/var/lib/arc', ARC_NODE_ID: 'arc-b', ARC_LOG_LEVEL: 'debug', DATABASE_URL: 'postgres://arc@db/arc' }), {
    httpPort: 9000, dataDir: '/var/lib/arc', nodeId: 'arc-b', logLevel: 'debug', databaseUrl: 'postgres://arc@db/arc',
  });
});

t.test('a bad value stops start-up with every bad setting named, and what it allows', async (t) => {
  const err = t.throws(() => loadConfig({ ARC_HTTP_PORT: 'abc', ARC_LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', ARC_NODE_ID: 'a b' })) as ConfigError;
  t.ok(err instanceof ConfigError);
  t.equal(err.code, 'CONFIG_INVALID');
  t.equal(err.problems.length, 4);
  t.match(err.message, /ARC_HTTP_PORT: must be an integer 0-65535, got "abc"/);
  t.match(err.message, /ARC_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"/);
  t.match(err.message, /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
  t.match(err.message, /ARC_NODE_ID: must be 1-64 letters/);
  t.throws(() => loadConfig({ ARC_HTTP_PORT: '70000' }), /ARC_HTTP_PORT: must be an integer 0-65535, got "70000"/);
  t.throws(() => loadConfig({ ARC_HTTP_PORT: '80.5' }), /ARC_HTTP_PORT/);
});

t.test('a config file sets what the environment does not', async (t) => {
  const dir = t.testdir({});
  const file = join(dir, 'arc.json');
  writeFileSync(file, JSON.stringify({ ARC_HTTP_PORT: 7000, ARC_NODE_ID: 'from-file', ARC_DATA_DIR: '/srv/arc' }));
  t.match(loadConfig({ ARC_CONFIG: file, ARC_NODE_ID: 'from-env' }), { httpPort: 7000, nodeId: 'from-env', dataDir: '/srv/arc' }, 'the environment wins');
  t.match(loadConfig({}, file), { nodeId: 'from-file' }, '--config names the file too');
  writeFileSync(file, JSON.stringify({ ARC_HTTP_PROT: 7000 }));
  t.throws(() => loadConfig({}, file), /ARC_HTTP_PROT \(in .*arc\.json\): not a setting arc knows; the settings are ARC_HTTP_PORT, /, 'a misspelt setting is refused, not ignored');
  writeFileSync(file, '{ not json');
  t.throws(() => loadConfig({}, file), /is not JSON/);
  t.throws(() => loadConfig({}, join(dir, 'missing.json')), /cannot read .*missing\.json \(ENOENT\)/);
});

t.test("ARC_TICKET_DEADLINES replaces the tickets' default deadlines level by level, in whole minutes", async (t) => {
  const MIN = 60_000;
  t.same(loadConfig({}).ticketPolicy, DEFAULT_TICKET_POLICY, 'unset: the issue\'s defaults');
  const policy = loadConfig({ ARC_TICKET_DEADLINES: '{"major":{"responseMin":10,"repairMin":180},"terminalOnSiteMin":120}' }).ticketPolicy;
  t.same(policy.deadlines.major, { responseMs: 10 * MIN, repairMs: 180 * MIN }, 'the level given');
  t.same(policy.deadlines.general, DEFAULT_TICKET_POLICY.deadlines.general, 'the others as they were');
  t.equal(policy.terminalOnSiteMaxMs, 120 * MIN);
  const dir = t.testdir({});
  const file = join(dir, 'arc.json');
  writeFileSync(file, JSON.stringify({ ARC_TICKET_DEADLINES: { urgent: { responseMin: 20, repairMin: 360 } } }));
  t.same(loadConfig({}, file).ticketPolicy.deadlines.urgent, { responseMs: 20 * MIN, repairMs: 360 * MIN }, 'a config file may give it as JSON');
  t.throws(() => loadConfig({ ARC_TICKET_DEADLINES: '{"major":{"responseMin":10}}' }), /ARC_TICKET_DEADLINES: must be a JSON object .* \(at major\.repairMin: /, 'both deadlines of a level');
  t.throws(() => loadConfig({ ARC_TICKET_DEADLINES: '{"critical":{"responseMin":5,"repairMin":60}}' }), /ARC_TICKET_DEADLINES/, 'no level of its own');
  t.throws(() => loadConfig({ ARC_TICKET_DEADLINES: '{"general":{"responseMin":0,"repairMin":60}}' }), /ARC_TICKET_DEADLINES/, 'at least a minute');
});

t.test('a voice gateway for the callbacks: its URL needs its secret, and the secret is never shown', async (t) => {
  t.match(loadConfig({}), { callbackDiallerUrl: undefined, callbackDiallerSecret: undefined }, 'unset: the operators place the calls');
  t.match(loadConfig({ ARC_CALLBACK_DIALLER_URL: 'http://127.0.0.1:8120', ARC_CALLBACK_DIALLER_SECRET: 'sixteen-chars-ok' }), { callbackDiallerUrl: 'http://127.0.0.1:8120', callbackDiallerSecret: 'sixteen-chars-ok' });
  t.throws(() => loadConfig({ ARC_CALLBACK_DIALLER_URL: 'http://127.0.0.1:8120' }), /ARC_CALLBACK_DIALLER_SECRET: must be set when ARC_CALLBACK_DIALLER_URL is/);
  t.throws(() => loadConfig({ ARC_CALLBACK_DIALLER_URL: 'sip:gateway' }), /ARC_CALLBACK_DIALLER_URL: must be an http:\/\/ or https:\/\/ URL/);
  const err = t.throws(() => loadConfig({ ARC_CALLBACK_DIALLER_SECRET: 'too-short' })) as Error;
  t.match(err.message, /ARC_CALLBACK_DIALLER_SECRET: must be at least 16 characters, got "\*\*\*"/);
  t.notMatch(err.message, 'too-short');
});
