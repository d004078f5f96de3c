/** What one simulated frame says, before framing and encryption. */
export interface PanelMessage {
  token: 'NULL' | 'ADM-CID' | 'SIA-DCS';
  data: string;
}

/**
 * Chooses each frame's content so that exactly the share P of frames are alarms, without
 * randomness: frame n is an alarm when floor((n+1)P) > floor(nP). A run is then repeatable, and
 * a test can predict the alarm count. Alarms alternate ADM-CID and SIA-DCS, and cycle through a
 * few burglary/fire/panic codes and zones 1-99, so a receiver sees both formats and varied events.
 */
export class PanelMessageSource {
  private frames = 0;
  private alarms = 0;

  constructor(private readonly alarmShare: number) {}

  next(account: string): PanelMessage {
    const n = this.frames++;
    const isAlarm = Math.floor((n + 1) * this.alarmShare) > Math.floor(n * this.alarmShare);
    if (!isAlarm) return { token: 'NULL', data: '' };
    const k = this.alarms++;
    const zone = (k % 99) + 1;
    if (k % 2 === 0) {
      // ADM-CID: QEEE GG CCC (Contact ID without account and checksum), account block in front.
      const code = CID_CODES[(k >> 1) % CID_CODES.length]!;
      return { token: 'ADM-CID', data: `#${account}|1${code} 01 ${String(zone).padStart(3, '0')}` };
    }
    const code = SIA_CODES[(k >> 1) % SIA_CODES.length]!;
    return { token: 'SIA-DCS', data: `#${account}|Nri1${code}${zone}` };
  }
}

/** Contact ID burglary, fire, panic; SIA burglary, fire, panic. */
const CID_CODES = ['130', '110', '120'];
const SIA_CODES = ['BA', 'FA', 'PA'];
