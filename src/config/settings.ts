import { hostname } from 'node:os';
import { z } from 'zod';

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
} as const;

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

function isPostgresUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
}
