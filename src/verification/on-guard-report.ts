import type { CaseStep } from './case-step.js';
import type { Evidence } from './evidence.js';
import type { VerificationInput } from './verification-input.js';

type GuardInput = Extract<VerificationInput, { kind: 'guard_report' }>;

/**
 * A guard's on-site report (出勤核实) decides: real → confirmed and forwarded; false → closed as a
 * device false alarm (unless already forwarded: then the operator decides, and closing it as false
 * withdraws it at 110);
 * no access → escalated to the operator, and the call list tried again for a keyholder.
 */
export function onGuardReport(step: CaseStep, input: GuardInput): void {
  const c = step.case;
  const evidence: Evidence = { kind: 'guard_report', at: step.now, guardId: input.guardId, finding: input.finding, note: input.note };
  step.addEvidence(evidence);
  switch (input.finding) {
    case 'real': {
      step.stopCalls();
      const forwarded = step.forward('guard_confirmed', [evidence]);
      c.stage = 'confirmed';
      return step.notify('high', `Guard ${input.guardId} confirms a real alarm: ${forwarded ? 'forwarded to 110' : 'already with 110'}.`);
    }
    case 'false':
      if (c.stage === 'confirmed') return step.notify('high', `Guard ${input.guardId} reports a false alarm after the incident was forwarded: the operator decides (closed as false, it is withdrawn at 110).`);
      step.closeAsFalse('device_false_alarm', [evidence]);
      return step.notify('low', `Guard ${input.guardId} reports a false alarm: closed.`);
    case 'no_access':
      step.notify('high', `Guard ${input.guardId} could not get access: the operator decides (keyholder, police).`);
      if (c.stage === 'verifying' && c.pendingCall === null) {
        if (c.nextCall >= c.callList.length) c.nextCall = 0; // a keyholder to open up: the list again
        step.callNext();
      }
      return;
  }
}
