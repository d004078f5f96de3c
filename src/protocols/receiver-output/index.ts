export { decodeAdemco685, encodeAdemco685 } from './ademco685.js';
export { cfskEvent, decodeCfsk, DEFAULT_CFSK_TABLE, encodeCfsk, parseCfskTable, type CfskEventEntry, type CfskEventTable } from './cfsk.js';
export { ACK, ACK_BYTES, CR, DC4, LF, NAK, NAK_BYTES } from './control-bytes.js';
export { decodeD6500, encodeD6500Cfsk, encodeD6500ContactId } from './d6500.js';
export { decodeD6600Sia, encodeD6600Sia, encodeD6600SiaReply } from './d6600-sia.js';
export { RECEIVER_RECORD_MAX_BYTES, type ReceiverFormat, type ReceiverMessage, type ReceiverRecord } from './receiver-record.js';
export { decodeSurGard, encodeSurGardContactId, encodeSurGardHeartbeat, encodeSurGardSia } from './surgard.js';
