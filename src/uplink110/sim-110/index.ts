export { startSim110, DEV_UPLINK110_KEY_ID, DEV_UPLINK110_SECRET, type Sim110, type Sim110Options } from './sim-110-server.js';
export { SIM_MODES, type SimMode, type PoliceCase, type ReceivedMessage } from './police-cases.js';
export type { DispositionPlan } from './police-updates.js';
