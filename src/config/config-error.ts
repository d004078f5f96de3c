/**
 * Start-up refused because the configuration is wrong. `problems` has one line per bad setting,
 * each naming the setting and what it allows, so one run shows everything to fix.
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';

  constructor(readonly problems: readonly string[]) {
    super(`arc cannot start: the configuration is not valid\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
