import type { PoliceStatus } from '../../incidents/incident-action.js';
import type { ReceivedPayload as UplinkPayload, UplinkAnswer } from '../uplink-wire.js';

/** How the simulated 110 answers: accept, reject everything, or be down (503, nothing kept as a case). */
export const SIM_MODES = ['accept', 'reject', 'down'] as const;
export type SimMode = (typeof SIM_MODES)[number];

/**
 * A police case: one per incident the simulated 110 accepted a notify of. `withdrawn`: the
 * centre cancelled its report; the police stand down (no further planned reports).
 */
export interface PoliceCase {
  caseNumber: string;
  incidentId: string;
  revision: number;
  account: string;
  level: string;
  premises: string;
  receivedAt: string;
  status: 'received' | PoliceStatus | 'withdrawn';
  disposition: string | null;
}

/** Every message as it arrived, repeats included: what the police centre got, and what it answered. */
export interface ReceivedMessage {
  at: string;
  messageId: string | null;
  kind: string | null;
  incidentId: string | null;
  revision: number | null;
  answer: 'accepted' | 'rejected' | 'down' | 'refused';
  caseNumber: string | null;
  reason: string | null;
  payload: unknown;
}

const MAX_RECEIVED = 10_000;

/**
 * The simulated police centre's book: answers each message as configured, and answers a repeat
 * of a message (same incident, revision, kind) as it answered it first, so that a delivery sent
 * twice never opens a second case. Pure but for its own memory; time is an argument.
 */
export class PoliceCases {
  readonly #cases = new Map<string, PoliceCase>(); // by case number
  readonly #answers = new Map<string, UplinkAnswer>(); // by message id
  readonly #received: ReceivedMessage[] = [];
  #serial = 0;

  constructor(
    public mode: SimMode = 'accept',
    public rejectAccounts: ReadonlySet<string> = new Set(),
  ) {}

  /** The answer to a verified, well-formed message; `firstTime`: a new case was opened. */
  answer(payload: UplinkPayload, now: number): { answer: UplinkAnswer; opened: PoliceCase | null } {
    const first = this.#answers.get(payload.messageId);
    if (first) return this.#keep(payload, first, now, null);
    let answer: UplinkAnswer;
    let opened: PoliceCase | null = null;
    if (payload.kind === 'notify') {
      if (this.mode === 'reject') answer = { status: 'rejected', reason: 'refused by the 110 duty officer (simulated: reject all)' };
      else if (this.rejectAccounts.has(payload.account)) answer = { status: 'rejected', reason: `account ${payload.account} is not registered for alarm forwarding` };
      else {
        opened = this.#open(payload, now);
        answer = { status: 'accepted', caseNumber: opened.caseNumber };
      }
    } else {
      const known = [...this.#cases.values()].find((c) => c.incidentId === payload.incidentId);
      answer = known ? { status: 'accepted', caseNumber: known.caseNumber } : { status: 'rejected', reason: `no case for incident ${payload.incidentId}` };
      // The centre withdraws its report: the case is closed as withdrawn, with the centre's reason.
      if (known && payload.kind === 'cancel') Object.assign(known, { status: 'withdrawn', disposition: `withdrawn by the centre: ${payload.reason}` });
    }
    this.#answers.set(payload.messageId, answer);
    return this.#keep(payload, answer, now, opened);
  }

  /** A message not taken: the centre is down, or its signature or form was refused. */
  refused(answer: 'down' | 'refused', reason: string, payload: unknown, now: number): void {
    this.#push({ at: new Date(now).toISOString(), messageId: null, kind: null, incidentId: null, revision: null, answer, caseNumber: null, reason, payload });
  }

  setStatus(caseNumber: string, status: PoliceStatus, disposition: string | null): PoliceCase | undefined {
    const c = this.#cases.get(caseNumber);
    if (c) Object.assign(c, { status, disposition: disposition ?? c.disposition });
    return c;
  }

  received(): ReceivedMessage[] {
    return [...this.#received];
  }

  /** Whether the centre withdrew the case (its planned reports are not sent). */
  withdrawn(caseNumber: string): boolean {
    return this.#cases.get(caseNumber)?.status === 'withdrawn';
  }

  cases(): PoliceCase[] {
    return [...this.#cases.values()].map((c) => ({ ...c }));
  }

  #open(payload: Extract<UplinkPayload, { kind: 'notify' }>, now: number): PoliceCase {
    const day = new Date(now).toISOString().slice(0, 10).replaceAll('-', '');
    const c: PoliceCase = {
      caseNumber: `110-${day}-${String(++this.#serial).padStart(5, '0')}`,
      incidentId: payload.incidentId,
      revision: payload.revision,
      account: payload.account,
      level: payload.level,
      premises: [payload.premises.name, payload.premises.address].filter(Boolean).join(', '),
      receivedAt: new Date(now).toISOString(),
      status: 'received',
      disposition: null,
    };
    this.#cases.set(c.caseNumber, c);
    return c;
  }

  #keep(payload: UplinkPayload, answer: UplinkAnswer, now: number, opened: PoliceCase | null) {
    this.#push({
      at: new Date(now).toISOString(),
      messageId: payload.messageId,
      kind: payload.kind,
      incidentId: payload.incidentId,
      revision: payload.revision,
      answer: answer.status,
      caseNumber: answer.status === 'accepted' ? answer.caseNumber : null,
      reason: answer.status === 'rejected' ? answer.reason : null,
      payload,
    });
    return { answer, opened };
  }

  #push(m: ReceivedMessage): void {
    this.#received.push(m);
    if (this.#received.length > MAX_RECEIVED) this.#received.shift();
  }
}
