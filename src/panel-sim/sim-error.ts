/**
 * The simulator refused its options. Thrown by `resolveSimOptions` before any socket opens, so a
 * bad command line never half-runs; `problems` names every bad option at once.
 */
export class PanelSimOptionsError extends Error {
  readonly code = 'SIM_OPTIONS_INVALID';

  constructor(readonly problems: readonly string[]) {
    super(`the panel simulator options are not valid: ${problems.join('; ')}`);
    this.name = 'PanelSimOptionsError';
  }
}
