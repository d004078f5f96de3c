import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { createUser } from '../../src/auth/user-store.js';
import type { Role } from '../../src/auth/roles.js';
import { startArc, type RunningArc } from '../../src/cli/start-arc.js';
import { loadConfig } from '../../src/config/config.js';
import { createCustomer } from '../../src/customers/customer-changes.js';
import { customerInputSchema } from '../../src/customers/customer-schemas.js';
import { createLogger } from '../../src/observability/logger.js';
import { encodeDc09 } from '../../src/protocols/dc09/encode-dc09.js';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { startSim110, type Sim110 } from '../../src/uplink110/sim-110/index.js';

export const PASSWORD = 'scenario night shift';
export const PASSCODE = '2468';
export const DURESS = '8642';
export const PREMISES = '025-8471-0001';
export const OWNER = '139-0000-0001';
export const MANAGER = '139-0000-0002';
const SECRET = 'scenario-link-secret-0123456789';

/** Who signs in: one user per role, and more guards (each incident sent a guard keeps one busy until filed). */
export const GUARDS = ['guard', 'guard2', 'guard3', 'guard4', 'guard5', 'guard6'] as const;
export type Who = Role | (typeof GUARDS)[number];

export interface Premises {
  account: string;
  serviceStatus?: 'in_service' | 'on_test' | 'suspended';
}

/**
 * A shop the scenarios alarm: a PIR and a door contact in the sales room, a PIR in the office,
 * a hold-up button, a smoke detector; the premises, the owner and the manager to call.
 */
function shop(p: Premises) {
  const now = Date.now();
  return customerInputSchema.parse({
    name: `便利店 shop ${p.account}`,
    address: `南京市中山路 ${p.account} 号`,
    contractType: 'lease',
    serviceStatus: p.serviceStatus ?? 'in_service',
    onTest: p.serviceStatus === 'on_test' ? { from: new Date(now - 3600_000).toISOString(), until: new Date(now + 3600_000).toISOString() } : null,
    passcode: PASSCODE,
    duressCode: DURESS,
    accounts: [{ number: p.account }],
    zones: [
      { account: p.account, number: 1, name: 'sales room PIR', location: 'sales room', type: 'burglary', principle: 'pir', linkedGroup: 'sales' },
      { account: p.account, number: 2, name: 'front door', location: 'sales room', type: 'burglary', principle: 'contact', linkedGroup: 'sales' },
      { account: p.account, number: 3, name: 'office PIR', location: 'office', type: 'burglary', principle: 'pir', linkedGroup: 'office' },
      { account: p.account, number: 4, name: 'counter hold-up', location: 'counter', type: 'hold_up', principle: null, linkedGroup: null },
      { account: p.account, number: 5, name: 'stock room smoke', location: 'stock room', type: 'fire', principle: 'smoke', linkedGroup: null },
    ],
    contacts: [
      { name: 'premises', relation: 'premises', phones: [PREMISES] },
      { name: 'Wang (owner)', relation: 'owner', phones: [OWNER] },
      { name: 'Li (manager)', relation: 'manager', phones: [MANAGER] },
    ],
    guardArea: 'Gulou',
  });
}

export interface Centre {
  arc: RunningArc;
  /** Stops arc and the simulated 110. */
  stop(): Promise<void>;
  sim: Sim110;
  /** Signed-in tokens by role, and by guard. */
  tokens: Record<Who, string>;
  /** A Contact ID event from a DC-09 panel; resolves to the receiver's reply (ACK once journaled). */
  panel(account: string, code: string, zone: number, qualifier?: '1' | '3'): Promise<string>;
  api<T = unknown>(role: Who, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/**
 * The whole centre as `arc serve` runs it, on one database: DC-09 receiver, journal, incidents,
 * verification, dispatch, the 110 uplink to a simulated 110, the HTTP API. Customers, users and
 * guards are set up first; `premises` are the accounts used. `env` names the database
 * (`DATABASE_URL`, or `ARC_DATA_DIR` for the embedded one). Shared by the end-to-end scenarios
 * (test/scenarios) and the verification benchmark.
 */
export async function startCentre(env: Record<string, string>, premises: Premises[], options: { log?: NodeJS.WritableStream } = {}): Promise<Centre> {
  const location = { databaseUrl: env.DATABASE_URL || undefined, dataDir: env.ARC_DATA_DIR ?? './data' };
  const setup = await openDatabase(location);
  await migrateToLatest(setup.db);
  for (const p of premises) await createCustomer(setup.db, shop(p), { actor: 'import', now: new Date() });
  const users: Partial<Record<Who, string>> = {};
  const people: [Who, Role][] = [['operator', 'operator'], ['supervisor', 'supervisor'], ['police', 'police'], ...GUARDS.map((g): [Who, Role] => [g, 'guard'])];
  for (const [key, role] of people) {
    const user = await createUser(setup.db, { username: `scenario.${key}`, displayName: `${key} of the scenarios`, role, password: PASSWORD });
    users[key] = user.id;
  }
  await setup.close();

  const sim = await startSim110({ port: 0, host: '127.0.0.1', secret: SECRET, keyId: 'arc-scenarios' });
  const config = loadConfig({
    ...env,
    ARC_HTTP_PORT: '0',
    ARC_HTTP_HOST: '127.0.0.1',
    ARC_DC09_PORT: '0',
    ARC_DC09_HOST: '127.0.0.1',
    ARC_LOG_LEVEL: options.log ? 'warn' : 'silent',
    ARC_SERIAL_PORTS: '[]',
    ARC_UPLINK110_URL: `${sim.url}/api/incidents`,
    ARC_UPLINK110_KEY_ID: 'arc-scenarios',
    ARC_UPLINK110_SECRET: SECRET,
  });
  const arc = await startArc(config, createLogger(config, options.log ?? new Writable({ write: (_c, _e, done) => done() })));

  const tokens = {} as Record<Who, string>;
  const api = async <T>(role: Who | null, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${arc.address}${path}`, {
      method,
      headers: { ...(role && { authorization: `Bearer ${tokens[role]}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
  for (const key of Object.keys(users) as (Who)[]) {
    const signedIn = await api<{ token: string }>(null, 'POST', '/api/session', { username: `scenario.${key}`, password: PASSWORD });
    if (signedIn.status !== 201 && signedIn.status !== 200) throw new Error(`sign-in of ${key}: ${signedIn.status} ${JSON.stringify(signedIn.body)}`);
    tokens[key] = signedIn.body.token;
  }
  for (const key of GUARDS) {
    const registered = await api('supervisor', 'POST', '/api/guards', { userId: users[key], area: 'Gulou', status: 'available' });
    if (registered.status !== 201) throw new Error(`registering ${key}: ${registered.status} ${JSON.stringify(registered.body)}`);
  }

  let seq = 0;
  return {
    arc,
    sim,
    async stop() {
      await arc.stop();
      await sim.stop();
    },
    tokens,
    api: (role, method, path, body) => api(role, method, path, body),
    panel: (account, code, zone, qualifier = '1') => {
      seq = (seq % 9999) + 1;
      const frame = encodeDc09({ token: 'ADM-CID', seq, prefix: '0', account, data: `#${account}|${qualifier}${code} 01 ${String(zone).padStart(3, '0')}` });
      return sendDc09Frame(arc.dc09Port, frame);
    },
  };
}

/** One DC-09 frame over a fresh TCP connection to 127.0.0.1:`port`; resolves to the receiver's reply (up to its CR). */
export function sendDc09Frame(port: number, frame: Uint8Array | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: '127.0.0.1', port }, () => socket.write(frame));
    let reply = '';
    socket.on('data', (d) => {
      reply += d.toString('latin1');
      if (reply.includes('\r')) {
        socket.end();
        resolve(reply);
      }
    });
    socket.on('error', reject);
  });
}

/** Polls `probe` until it returns something other than undefined (or times out: a failure, not a measurement). */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
