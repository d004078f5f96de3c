import { ConfigError } from './config-error.js';
import { readConfigFile } from './config-file.js';
import { deepFreeze } from './deep-freeze.js';
import type { TicketPolicy } from '../maintenance/ticket-policy.js';
import { DEFAULTS, SETTINGS, type SerialPortSetting, type Setting } from './settings.js';

/** arc's whole configuration, read once at start-up and frozen. See SETTINGS for each field. */
export interface Config {
  readonly httpPort: number;
  readonly httpHost: string;
  readonly dataDir: string;
  readonly nodeId: string;
  readonly logLevel: (typeof DEFAULTS)['logLevel'];
  readonly databaseUrl: string | undefined;
  readonly nodeEnv: string;
  readonly dc09Port: number;
  readonly dc09Host: string;
  readonly unknownAccountReply: (typeof DEFAULTS)['unknownAccountReply'];
  readonly dc09MaxConnections: number;
  readonly dc09IdleTimeoutS: number;
  readonly dc09PeerRate: number;
  readonly dedupWindowS: number;
  readonly sessionTtlS: number;
  readonly dispatchAcceptTimeoutS: number;
  readonly dispatchPredictedArrivalMin: number;
  readonly leaseRenewMs: number;
  readonly leaseTtlMs: number;
  readonly serialPorts: readonly SerialPortSetting[];
  /** The 110 uplink: off when the URL is undefined. */
  readonly uplink110Url: string | undefined;
  readonly uplink110KeyId: string;
  readonly uplink110Secret: string | undefined;
  readonly uplink110AcceptTimeoutS: number;
  /** The automated callback dialler's voice gateway: off (the operators call) when the URL is undefined. */
  readonly callbackDiallerUrl: string | undefined;
  readonly callbackDiallerSecret: string | undefined;
  readonly spoolDir: string;
  readonly spoolMaxMb: number;
  readonly spoolWarnMb: number;
  readonly spoolAfterMs: number;
  /** Maintenance tickets' deadlines (ARC_TICKET_DEADLINES over the defaults). */
  readonly ticketPolicy: TicketPolicy;
}

/**
 * Reads the configuration from `env` over the optional JSON file (`configFile`, else
 * `env.ARC_CONFIG`), or throws a ConfigError naming every bad setting. Nothing else in arc
 * reads the environment: callers pass it in.
 *
 * @example loadConfig({ ARC_HTTP_PORT: '9000' }) // { httpPort: 9000, dataDir: './data', … }
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, configFile?: string): Config {
  const problems: string[] = [];
  const filePath = configFile ?? (env.ARC_CONFIG || undefined);
  const fromFile = filePath === undefined ? {} : readConfigFile(filePath, problems);
  const known = new Set<string>(SETTINGS.map((s) => s.name));
  for (const name of Object.keys(fromFile)) {
    // A misspelt setting in a file would otherwise leave its default in force without a word.
    if (!known.has(name)) problems.push(`${name} (in ${filePath}): not a setting arc knows; the settings are ${[...known].join(', ')}`);
  }

  const config: Record<string, unknown> = { ...DEFAULTS };
  for (const setting of SETTINGS) {
    // The environment wins over the file; an empty value counts as not set (`DATABASE_URL=`).
    const raw = env[setting.name] || fromFile[setting.name] || undefined;
    if (raw === undefined) continue;
    const parsed = setting.schema.safeParse(raw);
    if (parsed.success) config[setting.key] = parsed.data;
    else problems.push(`${setting.name}: must be ${setting.allowed}, got ${JSON.stringify(shown(setting, raw))}${where(parsed.error)}`);
  }
  if (config.uplink110Url !== undefined && config.uplink110Secret === undefined) problems.push('ARC_UPLINK110_SECRET: must be set when ARC_UPLINK110_URL is (the 110 link is always signed)');
  if (config.callbackDiallerUrl !== undefined && config.callbackDiallerSecret === undefined) problems.push('ARC_CALLBACK_DIALLER_SECRET: must be set when ARC_CALLBACK_DIALLER_URL is (the gateway link is always signed)');
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config as unknown as Config);
}

/** For structured settings, which field inside the value is wrong: ` (at 0.format: …)`. */
function where(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  return issue && issue.path.length > 0 ? ` (at ${issue.path.map(String).join('.')}: ${issue.message})` : '';
}

/** The value as an error message may show it: a URL's password is not written to logs. */
function shown(setting: Setting, raw: string): string {
  if (!('secret' in setting)) return raw;
  if (setting.name.endsWith('_SECRET')) return '***'; // not a URL: nothing of it is shown
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.href;
  } catch {
    return raw.replace(/:[^:@/]*@/, ':***@');
  }
}
