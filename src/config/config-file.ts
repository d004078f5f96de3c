import { readFileSync } from 'node:fs';

/**
 * Reads the optional JSON config file: one object of settings by their environment names.
 * Numbers and booleans become text, as they would be in the environment. Problems are pushed
 * onto `problems` rather than thrown, so that they are reported with every other bad setting.
 */
export function readConfigFile(path: string, problems: string[]): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`ARC_CONFIG: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    problems.push(`ARC_CONFIG: ${path} is not JSON (${(err as Error).message})`);
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push(`ARC_CONFIG: ${path} must hold one JSON object of settings, like {"ARC_HTTP_PORT": 9000}`);
    return {};
  }
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string') settings[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') settings[name] = String(value);
    // Structured settings (ARC_SERIAL_PORTS) are JSON text in the environment: the same here.
    else if (value !== null && typeof value === 'object') settings[name] = JSON.stringify(value);
    else problems.push(`${name} (in ${path}): must be a string, a number or JSON, got ${JSON.stringify(value)}`);
  }
  return settings;
}
