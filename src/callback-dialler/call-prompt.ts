import type { VerificationCommand } from '../verification/verification-command.js';

/**
 * What the gateway says when a password callback (口令复核) is answered: who calls and why, then
 * the request for the code, in Chinese and then English. It names no customer, address or zone:
 * whoever answers may not be the customer, and may be the intruder. Nothing in it depends on the
 * code that will be given, so the duress code cannot change what is said before or after.
 *
 * @example callPrompt({ incidentId: '42', contact: 'Wang (owner)', … }) // '这里是报警中心…'
 */
export function callPrompt(call: Pick<Extract<VerificationCommand, { kind: 'start_callback' }>, 'incidentId'>): string {
  return [
    `您好，这里是报警监控中心，您的报警系统发出了报警（编号 ${call.incidentId}）。请输入您的密码，以井号键结束。`,
    `This is the alarm monitoring centre: your alarm system has reported an alarm (number ${call.incidentId}). Please key in your passcode, followed by the hash key.`,
  ].join(' ');
}
