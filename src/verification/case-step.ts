import type { Evidence } from './evidence.js';
import type { ConsoleUrgency, FalseOutcome, TimerPurpose, VerificationCommand } from './verification-command.js';
import { threatensLife, type VerificationLevel } from './verification-level.js';
import type { VerificationPolicy } from './verification-policy.js';
import { foldTrip, zoneEvidence } from './tripped-zones.js';
import { MAX_EVIDENCE, type CallTarget, type VerificationCase, type VerificationNote, type VerificationResult, type VerificationState, type ZoneTrip } from './verification-state.js';
import { cancel110 } from './withdraw-report.js';

/**
 * One decision on one incident's verification, as a short list of named moves (call the next
 * number, forward, dispatch, close…). It copies the case and collects commands; the rules that
 * keep the invariants live here, once, rather than in every handler:
 * - at most one forward per revision, a new revision only when a threat to life follows a
 *   forward that was not one (the police must learn that lives are now at risk);
 * - a forward always carries evidence: what decided it, then every alarm of the incident;
 * - one guard per incident from the engine (the operator may send more from the console);
 * - a report to 110 is withdrawn only when the incident went there and is closed as false;
 * - a call stopped is cancelled, and its timers forgotten, so a late answer changes nothing.
 */
export class CaseStep {
  readonly commands: VerificationCommand[] = [];
  case: VerificationCase;

  constructor(private readonly state: VerificationState, kase: VerificationCase, readonly now: number, readonly policy: VerificationPolicy) {
    this.case = { ...kase };
  }

  get account(): string {
    return this.state.account;
  }

  result(note: VerificationNote | null = null, state: Partial<VerificationState> = {}): VerificationResult {
    return { state: { ...this.state, ...state, case: this.case }, commands: this.commands, note };
  }

  notify(urgency: ConsoleUrgency, message: string): void {
    this.commands.push({ kind: 'notify_console', incidentId: this.case.incidentId, account: this.account, urgency, message });
  }

  addTrip(trip: ZoneTrip): void {
    this.case.zones = foldTrip(this.case.zones, trip);
  }

  addEvidence(evidence: Evidence): void {
    this.case.evidence = [...this.case.evidence, evidence].slice(-MAX_EVIDENCE);
  }

  startTimer(purpose: TimerPurpose, at: number): string {
    const id = `${this.case.incidentId}:${purpose}:${this.nextSeq()}`;
    this.case.timers = [...this.case.timers, { id, purpose, at }];
    this.commands.push({ kind: 'start_timer', timerId: id, purpose, at });
    return id;
  }

  /** The pending call is answered (or given up): its answer timer no longer counts. */
  endPendingCall(): void {
    const pending = this.case.pendingCall;
    if (pending === null) return;
    this.forgetTimer(pending.timerId);
    this.case.pendingCall = null;
  }

  answerCaller(callId: string | null, reply: 'code_accepted' | 'code_not_accepted'): void {
    this.commands.push({ kind: 'answer_caller', incidentId: this.case.incidentId, callId, reply });
  }

  forgetTimer(id: string): void {
    this.case.timers = this.case.timers.filter((t) => t.id !== id);
  }

  /** Call the next number of the list; false when none is left. */
  callNext(): boolean {
    const target: CallTarget | undefined = this.case.callList[this.case.nextCall];
    if (target === undefined) return false;
    const callId = `${this.case.incidentId}:call:${this.nextSeq()}`;
    this.case.nextCall += 1;
    this.commands.push({ kind: 'start_callback', incidentId: this.case.incidentId, callId, ...target });
    const timerId = this.startTimer('call_answer', this.now + this.policy.burglary.callAnswerS * 1000);
    this.case.pendingCall = { ...target, callId, timerId };
    return true;
  }

  /** No more calls: the pending one is cancelled, the list is done with. */
  stopCalls(): void {
    const pending = this.case.pendingCall;
    if (pending !== null) this.commands.push({ kind: 'cancel_callback', incidentId: this.case.incidentId, callId: pending.callId });
    this.case.pendingCall = null;
    this.case.nextCall = this.case.callList.length;
    // Only the calls' timers: a fire's deadline still stands when the calls stop.
    this.case.timers = this.case.timers.filter((t) => t.purpose !== 'call_answer');
  }

  dispatch(level: VerificationLevel | 'verify_on_site', reason: string): boolean {
    if (this.case.guardDispatched) return false;
    this.case.guardDispatched = true;
    this.commands.push({ kind: 'dispatch_guard', incidentId: this.case.incidentId, account: this.account, level, reason });
    return true;
  }

  /** Forward to 110 on `decisive` evidence; false when the invariants say this is not a new revision. */
  forward(level: VerificationLevel, decisive: Evidence[]): boolean {
    const before = this.case.forwarded;
    if (before !== null && (threatensLife(before.level) || !threatensLife(level))) return false;
    const evidence = [...decisive, ...this.alarmsBeside(decisive)];
    if (evidence.length === 0) throw new Error('a forward without evidence: a bug in the verification engine');
    const revision = this.case.revision + 1;
    this.case.revision = revision;
    this.case.forwarded = { revision, level };
    this.case.stage = 'confirmed';
    this.case.fireAwaiting = false;
    this.commands.push({ kind: 'forward_110', incidentId: this.case.incidentId, account: this.account, revision, level, evidence });
    return true;
  }

  closeAsFalse(outcome: Extract<VerificationCommand, { kind: 'close_as_false' }>['outcome'], decisive: Evidence[]): void {
    this.stopCalls();
    this.case.stage = 'closed';
    this.case.fireAwaiting = false;
    this.case.timers = [];
    const evidence = [...decisive, ...this.alarmsBeside(decisive)];
    this.commands.push({ kind: 'close_as_false', incidentId: this.case.incidentId, outcome, evidence });
  }

  /**
   * Withdraw the incident's report at 110, now that it is closed as `outcome`: only when it went
   * there, by the engine's forward or, as `forwardedTo110` says, one on the incident's record
   * (the operator's). False when it never did: 110 has nothing to withdraw.
   */
  withdraw110(forwardedTo110: boolean, how: 'judged' | 'closed as', outcome: FalseOutcome, operator: string): boolean {
    if (this.case.forwarded === null && !forwardedTo110) return false;
    this.commands.push(cancel110(this.case.incidentId, this.account, how, outcome, operator));
    return true;
  }

  /** The case's detectors as evidence, but those `decisive` names already (it quotes their alarm). */
  private alarmsBeside(decisive: readonly Evidence[]): Evidence[] {
    const named = decisive.filter((e) => e.kind === 'alarm');
    return this.case.zones.filter((z) => !named.some((e) => e.zone === z.zone && e.code === z.code)).map(zoneEvidence);
  }

  private nextSeq(): number {
    this.case.seq += 1;
    return this.case.seq;
  }
}
