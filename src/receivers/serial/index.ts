export { createSerialReceiver, type SerialReceiver, type SerialReceiverDeps, type SerialReceiverStatus } from './serial-receiver.js';
export type { SerialBinding } from './open-serial-port.js';
export type { ReceiverStatus } from './receiver-supervision.js';
