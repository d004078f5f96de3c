/** Bytes of the receiver ↔ automation handshake (Sur-Gard R161 §3, Bosch D6600 Appendix J). */
export const ACK = 0x06;
export const NAK = 0x15;
/** Sur-Gard and Bosch D6500-mode records end with DC4. */
export const DC4 = 0x14;
export const LF = 0x0a;
export const CR = 0x0d;

export const ACK_BYTES = Buffer.from([ACK]);
export const NAK_BYTES = Buffer.from([NAK]);
