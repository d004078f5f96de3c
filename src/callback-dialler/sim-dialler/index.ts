export { startSimDialler, DEV_DIALLER_SECRET, type SimDialler, type SimDiallerOptions } from './sim-dialler-server.js';
export { GATEWAY_MODES, type GatewayMode, type ReceivedRequest, type ReportedResult } from './gateway-calls.js';
export { parseDiallerScript, scriptedCall, type DiallerScript, type ScriptedCall } from './dialler-script.js';
