import { hostname } from 'node:os';
import { z } from 'zod';
import { DEFAULT_TICKET_POLICY, type TicketLevel, type TicketPolicy } from '../maintenance/ticket-policy.js';

/** pino's levels, most to least severe; `silent` writes nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const NODE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The defaults, in one place. Everything relative is relative to the working directory. */
export const DEFAULTS = {
  httpPort: 8080, // TCP port; 0 asks the kernel for any free port
  httpHost: '0.0.0.0', // every IPv4 interface
  dataDir: './data', // directory of the embedded database
  nodeId: defaultNodeId(), // this machine's host name, cleaned to the allowed characters
  logLevel: 'info' as (typeof LOG_LEVELS)[number],
  databaseUrl: undefined as string | undefined, // unset: the embedded database
  nodeEnv: 'development', // only `production` changes anything: no pretty logs
  dc09Port: 7001, // SIA DC-09 over TCP and UDP, the same port for both
  dc09Host: '0.0.0.0',
  unknownAccountReply: 'nak' as (typeof UNKNOWN_ACCOUNT_REPLIES)[number],
  dc09MaxConnections: 5000,
  dc09IdleTimeoutS: 300,
  dc09PeerRate: 20,
  dedupWindowS: 120,
  sessionTtlS: 43_200, // twelve hours: one shift
  dispatchAcceptTimeoutS: 120, // a guard who has not accepted an order by then: it goes to the next guard
  dispatchPredictedArrivalMin: 20, // a guard's arrival, predicted from assignment, unless they give an ETA
  leaseRenewMs: 500, // the leader renews the consumers lease this often
  leaseTtlMs: 2_000, // a lease not renewed for this long lapses and a standby takes over
  serialPorts: [] as readonly SerialPortSetting[],
  uplink110Url: undefined as string | undefined, // unset: the 110 uplink is off, every forward is escalated to the phone
  uplink110KeyId: 'arc',
  uplink110Secret: undefined as string | undefined, // required with ARC_UPLINK110_URL
  uplink110AcceptTimeoutS: 30,
  callbackDiallerUrl: undefined as string | undefined, // unset: operators place the password callbacks
  callbackDiallerSecret: undefined as string | undefined, // required with ARC_CALLBACK_DIALLER_URL
  spoolDir: './spool', // the local spool of receptions while the database is away: <dir>/<node id>.jsonl
  spoolMaxMb: 256,
  spoolWarnMb: 16,
  spoolAfterMs: 1_000,
  ticketPolicy: DEFAULT_TICKET_POLICY, // ARC_TICKET_DEADLINES replaces it level by level
} as const;

/** How a DC-09 frame from an account arc does not know is answered (it is journaled either way). */
export const UNKNOWN_ACCOUNT_REPLIES = ['nak', 'ack'] as const;

/** The computer-output formats a serial (phone-line) receiver can be set to. */
export const SERIAL_FORMATS = ['surgard', 'ademco685', 'd6500', 'd6600-sia', 'cfsk'] as const;

const serialPortSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/),
  path: z.string().min(1),
  format: z.enum(SERIAL_FORMATS),
  baudRate: z.number().int().positive().default(9600),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  /** Silence longer than this from the receiver (no record, no heartbeat) raises a receiver trouble. */
  heartbeatSeconds: z.number().int().positive().default(90),
  /** A JSON CFSK event table (see fixtures/cfsk-event-table.example.json), for cfsk and d6500. */
  cfskTable: z.string().min(1).optional(),
}).strict();

export type SerialPortSetting = z.infer<typeof serialPortSchema>;

const MINUTES_PER_MONTH = 31 * 24 * 60;
const levelDeadlinesSchema = z.object({ responseMin: z.number().int().min(1).max(MINUTES_PER_MONTH), repairMin: z.number().int().min(1).max(MINUTES_PER_MONTH) }).strict();

/** ARC_TICKET_DEADLINES: what is given replaces the default, level by level. */
const ticketDeadlinesSchema = z
  .object({ general: levelDeadlinesSchema, urgent: levelDeadlinesSchema, major: levelDeadlinesSchema, terminalOnSiteMin: z.number().int().min(1).max(MINUTES_PER_MONTH) })
  .partial()
  .strict()
  .transform((given): TicketPolicy => {
    const level = (name: TicketLevel) => {
      const g = given[name];
      return g ? { responseMs: g.responseMin * 60_000, repairMs: g.repairMin * 60_000 } : DEFAULT_TICKET_POLICY.deadlines[name];
    };
    return {
      deadlines: { general: level('general'), urgent: level('urgent'), major: level('major') },
      terminalOnSiteMaxMs: given.terminalOnSiteMin === undefined ? DEFAULT_TICKET_POLICY.terminalOnSiteMaxMs : given.terminalOnSiteMin * 60_000,
    };
  });

/** A setting whose value is JSON text (the environment) or JSON already (a config file). */
function jsonText() {
  return z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  });
}

/**
 * One row per setting. `allowed` is both the README's column and the error text (`NAME: must be
 * <allowed>, got "…"`), so the two cannot drift apart. `schema` parses the raw text of an
 * environment variable (file values arrive as text too); an empty value means "not set".
 */
export const SETTINGS = [
  {
    name: 'ARC_HTTP_PORT', key: 'httpPort', default: String(DEFAULTS.httpPort),
    allowed: 'an integer 0-65535',
    // Digits only: Number() would also take "0x50", "1e3" and " 80 ".
    schema: z.string().regex(/^\d{1,5}$/).transform(Number).pipe(z.number().max(65535)),
    meaning: 'TCP port of the HTTP server (API, console, /healthz, /metrics); 0 picks a free port',
  },
  {
    name: 'ARC_HTTP_HOST', key: 'httpHost', default: DEFAULTS.httpHost,
    allowed: 'a host name or IP address, without spaces',
    schema: z.string().regex(/^\S+$/),
    meaning: 'address the HTTP server listens on (127.0.0.1: this machine only)',
  },
  {
    name: 'ARC_DATA_DIR', key: 'dataDir', default: DEFAULTS.dataDir,
    allowed: 'a directory path',
    schema: z.string().min(1),
    meaning: 'directory of the embedded database, used when DATABASE_URL is not set; one arc process per directory (`<dir>.lock` holds its pid)',
  },
  {
    name: 'ARC_NODE_ID', key: 'nodeId', default: 'the host name',
    allowed: '1-64 letters, digits, dots, dashes or underscores',
    schema: z.string().regex(NODE_ID),
    meaning: 'name of this node in logs, /healthz, node_start rows and (later) failover',
  },
  {
    name: 'ARC_LOG_LEVEL', key: 'logLevel', default: DEFAULTS.logLevel,
    allowed: `one of ${LOG_LEVELS.join(', ')}`,
    schema: z.enum(LOG_LEVELS),
    meaning: 'least severe level of log record written (JSON lines on stdout)',
  },
  {
    name: 'DATABASE_URL', key: 'databaseUrl', default: '(unset)',
    allowed: 'a postgres:// or postgresql:// URL',
    schema: z.string().refine(isPostgresUrl),
    meaning: 'PostgreSQL to use instead of the embedded database (production, CI, two nodes)',
    secret: true,
  },
  {
    name: 'NODE_ENV', key: 'nodeEnv', default: DEFAULTS.nodeEnv,
    allowed: 'any text',
    schema: z.string(),
    meaning: '`production` turns off pretty logs even on a terminal (pino-pretty is a devDependency)',
  },
  {
    name: 'ARC_DC09_PORT', key: 'dc09Port', default: String(DEFAULTS.dc09Port),
    allowed: 'an integer 0-65535',
    schema: z.string().regex(/^\d{1,5}$/).transform(Number).pipe(z.number().max(65535)),
    meaning: 'TCP and UDP port of the SIA DC-09 receiver (the same number for both); 0 picks a free port',
  },
  {
    name: 'ARC_DC09_HOST', key: 'dc09Host', default: DEFAULTS.dc09Host,
    allowed: 'a host name or IP address, without spaces',
    schema: z.string().regex(/^\S+$/),
    meaning: 'address the DC-09 receiver listens on',
  },
  {
    name: 'ARC_UNKNOWN_ACCOUNT_REPLY', key: 'unknownAccountReply', default: DEFAULTS.unknownAccountReply,
    allowed: `one of ${UNKNOWN_ACCOUNT_REPLIES.join(', ')}`,
    schema: z.enum(UNKNOWN_ACCOUNT_REPLIES),
    meaning: 'answer to a DC-09 frame from an account arc does not know, after journaling it as unregistered: `nak` makes the panel retry and report its own failure; `ack` stops it retrying',
  },
  {
    name: 'ARC_DC09_MAX_CONNECTIONS', key: 'dc09MaxConnections', default: String(DEFAULTS.dc09MaxConnections),
    allowed: 'an integer 1-1000000',
    schema: z.string().regex(/^\d{1,7}$/).transform(Number).pipe(z.number().min(1).max(1_000_000)),
    meaning: 'open DC-09 TCP connections at most; one more is closed at once and counted',
  },
  {
    name: 'ARC_DC09_IDLE_TIMEOUT_S', key: 'dc09IdleTimeoutS', default: String(DEFAULTS.dc09IdleTimeoutS),
    allowed: 'an integer 1-86400',
    schema: z.string().regex(/^\d{1,5}$/).transform(Number).pipe(z.number().min(1).max(86400)),
    meaning: 'a DC-09 TCP connection that completes no frame for this long is closed (idle and trickling peers)',
  },
  {
    name: 'ARC_DC09_PEER_RATE', key: 'dc09PeerRate', default: String(DEFAULTS.dc09PeerRate),
    allowed: 'an integer 1-100000',
    schema: z.string().regex(/^\d{1,6}$/).transform(Number).pipe(z.number().min(1).max(100_000)),
    meaning: 'frames per second one peer (address and port) may send, with a burst of twice that; TCP beyond it is read later (back-pressure), UDP beyond it is dropped unanswered (the panel retries)',
  },
  {
    name: 'ARC_DEDUP_WINDOW_S', key: 'dedupWindowS', default: String(DEFAULTS.dedupWindowS),
    allowed: 'an integer 1-86400',
    schema: z.string().regex(/^\d{1,5}$/).transform(Number).pipe(z.number().min(1).max(86400)),
    meaning: 'a reception with the same de-duplication key as one this many seconds earlier is a duplicate: recorded, not processed again',
  },
  {
    name: 'ARC_SESSION_TTL_S', key: 'sessionTtlS', default: String(DEFAULTS.sessionTtlS),
    allowed: 'an integer 60-604800',
    schema: z.string().regex(/^\d{1,6}$/).transform(Number).pipe(z.number().min(60).max(604800)),
    meaning: 'how long a sign-in to the console or the API lasts before the user must sign in again',
  },
  {
    name: 'ARC_DISPATCH_ACCEPT_TIMEOUT_S', key: 'dispatchAcceptTimeoutS', default: String(DEFAULTS.dispatchAcceptTimeoutS),
    allowed: 'an integer 10-3600',
    schema: z.string().regex(/^\d{1,4}$/).transform(Number).pipe(z.number().min(10).max(3600)),
    meaning: 'a dispatch order a guard has not accepted within this many seconds goes to the next available guard; with none left, the operator is told',
  },
  {
    name: 'ARC_DISPATCH_PREDICTED_ARRIVAL_MIN', key: 'dispatchPredictedArrivalMin', default: String(DEFAULTS.dispatchPredictedArrivalMin),
    allowed: 'an integer 1-1440',
    schema: z.string().regex(/^\d{1,4}$/).transform(Number).pipe(z.number().min(1).max(1440)),
    meaning: "a guard's arrival is predicted this many minutes after assignment (unless the guard gives an ETA); without a contracted arrival for the customer, arriving later escalates to the operator",
  },
  {
    name: 'ARC_LEASE_RENEW_MS', key: 'leaseRenewMs', default: String(DEFAULTS.leaseRenewMs),
    allowed: 'an integer 10-60000',
    schema: z.string().regex(/^\d{1,5}$/).transform(Number).pipe(z.number().min(10).max(60_000)),
    meaning: 'how often the leading node renews its lease on the consumers (failover, PostgreSQL only), and a standby looks at it; at most half of ARC_LEASE_TTL_MS',
  },
  {
    name: 'ARC_LEASE_TTL_MS', key: 'leaseTtlMs', default: String(DEFAULTS.leaseTtlMs),
    allowed: 'an integer 20-600000',
    schema: z.string().regex(/^\d{1,6}$/).transform(Number).pipe(z.number().min(20).max(600_000)),
    meaning: 'a lease not renewed for this long (database clock) lapses and a standby takes over with a higher fencing term; the leader stops its consumers one renewal interval before',
  },
  {
    name: 'ARC_SERIAL_PORTS', key: 'serialPorts', default: '[]',
    allowed: 'a JSON array of {name, path, format, baudRate?, dataBits?, parity?, stopBits?, heartbeatSeconds?, cfskTable?}',
    schema: jsonText().pipe(z.array(serialPortSchema)),
    meaning: `phone-line receivers on serial ports; format is one of ${SERIAL_FORMATS.join(', ')}; defaults 9600 8N1, heartbeat 90 s`,
  },
  {
    name: 'ARC_UPLINK110_URL', key: 'uplink110Url', default: '(unset)',
    allowed: 'an http:// or https:// URL',
    schema: z.string().refine(isHttpUrl),
    meaning: "the 110 police centre's endpoint confirmed incidents are POSTed to (e.g. `http://127.0.0.1:8110/api/incidents` for `arc sim-110`); unset: the uplink is off and every forward to 110 is escalated at once to the operator, who calls 110 by phone",
  },
  {
    name: 'ARC_UPLINK110_KEY_ID', key: 'uplink110KeyId', default: DEFAULTS.uplink110KeyId,
    allowed: '1-64 letters, digits, dots, dashes or underscores',
    schema: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    meaning: 'the name of the 110 link\'s shared secret, sent as X-Arc-Key-Id with every signed message (both ways)',
  },
  {
    name: 'ARC_UPLINK110_SECRET', key: 'uplink110Secret', default: '(unset)',
    allowed: 'at least 16 characters',
    schema: z.string().min(16),
    meaning: 'the shared secret the 110 link is signed with (HMAC-SHA256, both ways); required with ARC_UPLINK110_URL; never logged',
    secret: true,
  },
  {
    name: 'ARC_UPLINK110_ACCEPT_TIMEOUT_S', key: 'uplink110AcceptTimeoutS', default: String(DEFAULTS.uplink110AcceptTimeoutS),
    allowed: 'an integer 1-3600',
    schema: z.string().regex(/^\d{1,4}$/).transform(Number).pipe(z.number().min(1).max(3600)),
    meaning: 'a forward 110 has not accepted this many seconds after confirmation is escalated to the operator (call 110 by phone); delivery goes on',
  },
  {
    name: 'ARC_CALLBACK_DIALLER_URL', key: 'callbackDiallerUrl', default: '(unset)',
    allowed: 'an http:// or https:// URL',
    schema: z.string().refine(isHttpUrl),
    meaning: "the voice gateway's base URL (e.g. `http://127.0.0.1:8120` for `arc sim-dialler`): arc POSTs the password callbacks (口令复核) to `{url}/calls` and their cancels to `{url}/calls/{callId}/cancel`, and the gateway reports each result to `/api/callback-dialler/results`; unset: the operators place the calls",
  },
  {
    name: 'ARC_CALLBACK_DIALLER_SECRET', key: 'callbackDiallerSecret', default: '(unset)',
    allowed: 'at least 16 characters',
    schema: z.string().min(16),
    meaning: "the shared secret the gateway link is signed with (HMAC-SHA256, both ways, key id `arc`); required with ARC_CALLBACK_DIALLER_URL; never logged",
    secret: true,
  },
  {
    name: 'ARC_TICKET_DEADLINES', key: 'ticketPolicy', default: '{}',
    allowed: 'a JSON object {general?, urgent?, major?: {responseMin, repairMin}, terminalOnSiteMin?}, whole minutes 1-44640',
    schema: jsonText().pipe(ticketDeadlinesSchema),
    meaning: "maintenance tickets' deadlines by level, replacing the defaults (general 120 / 1440, urgent 30 / 480, major 15 / 240 minutes to someone on site / to the repair) level by level; terminalOnSiteMin (240) caps the response deadline of a fault on a customer's equipment",
  },
  {
    name: 'ARC_SPOOL_DIR', key: 'spoolDir', default: DEFAULTS.spoolDir,
    allowed: 'a directory path',
    schema: z.string().min(1),
    meaning: "directory of this node's local spool (`<dir>/<node id>.jsonl`): receptions are synced there before their ACK while the database cannot take them, and drained into the journal when it can; created at the first spooled reception",
  },
  {
    name: 'ARC_SPOOL_MAX_MB', key: 'spoolMaxMb', default: String(DEFAULTS.spoolMaxMb),
    allowed: 'an integer 1-1000000',
    schema: z.string().regex(/^\d{1,7}$/).transform(Number).pipe(z.number().min(1).max(1_000_000)),
    meaning: 'size bound of the local spool in MiB; a reception beyond it is not ACKed (the sender retries) and counted (`arc_spool_full_total`)',
  },
  {
    name: 'ARC_SPOOL_WARN_MB', key: 'spoolWarnMb', default: String(DEFAULTS.spoolWarnMb),
    allowed: 'a number 0.01-1000000, at most two decimals',
    schema: z.string().regex(/^\d{1,7}(\.\d{1,2})?$/).transform(Number).pipe(z.number().min(0.01).max(1_000_000)),
    meaning: "past this many MiB undrained the spool is a trouble: an error in the log, `arc_spool_over_threshold` 1, and a receiver trouble `spool:<node id>` (supervision's receivers, a maintenance ticket) recorded once the database takes writes again, ended when it has drained under",
  },
  {
    name: 'ARC_SPOOL_AFTER_MS', key: 'spoolAfterMs', default: String(DEFAULTS.spoolAfterMs),
    allowed: 'an integer 100-60000',
    schema: z.string().regex(/^\d{1,5}$/).transform(Number).pipe(z.number().min(100).max(60_000)),
    meaning: 'a journal commit that has neither succeeded nor failed after this long is given up on and the reception spooled (a database that hangs rather than refuses); keep it well under the panels\' ACK timeout',
  },
] as const;

export type Setting = (typeof SETTINGS)[number];
export type SettingName = Setting['name'];

/** The settings as the README shows them: name, default, what is allowed, what it means. */
export interface SettingRow {
  name: string;
  default: string;
  allowed: string;
  meaning: string;
}

export const SETTINGS_TABLE: readonly SettingRow[] = [
  ...SETTINGS.map(({ name, default: d, allowed, meaning }) => ({ name, default: d, allowed, meaning })),
  {
    name: 'ARC_CONFIG', default: '(unset)', allowed: 'a path to a JSON file',
    meaning: 'JSON object of the settings above (`{"ARC_HTTP_PORT": 9000}`); the environment overrides it. `--config FILE` does the same',
  },
];

function defaultNodeId(): string {
  const cleaned = hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
  return NODE_ID.test(cleaned) ? cleaned : 'arc';
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function isPostgresUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
}
