export { runPanels, type RunPanelsDeps } from './run-panels.js';
export { DEFAULT_SIM_KEY_HEX, SIM_DEFAULTS, resolveSimOptions, parseTarget, type PanelSimOptions } from './sim-options.js';
export { PanelSimOptionsError } from './sim-error.js';
export { formatSimReport, type SimReport, type AckedFrame } from './sim-report.js';
