import { Counter, type Registry } from 'prom-client';

export interface VerificationMetrics {
  inputs: Counter<'input' | 'note'>;
  dropped: Counter<'command' | 'reason'>;
  timerFailures: Counter;
}

export function createVerificationMetrics(registry: Registry): VerificationMetrics {
  return {
    inputs: new Counter({ name: 'arc_verification_inputs_total', help: 'Inputs the verification engine decided, by kind and by why nothing happened (note; "decided" when it acted)', labelNames: ['input', 'note'] as const, registers: [registry] }),
    dropped: new Counter({ name: 'arc_verification_commands_dropped_total', help: 'Engine commands not carried out because their incident was no longer open', labelNames: ['command', 'reason'] as const, registers: [registry] }),
    timerFailures: new Counter({ name: 'arc_verification_timer_failures_total', help: 'Verification timer steps that failed and will be retried', registers: [registry] }),
  };
}
