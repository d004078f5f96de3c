import type { JournalConsumer } from '../journal/journal-consumer.js';
import { CONTACT_ID_CODES } from '../protocols/contact-id/contact-id-codes.js';
import type { AlarmEvent } from '../protocols/alarm-event.js';
import { noteRestore } from './ticket-store.js';
import type { TicketPolicy } from './ticket-policy.js';
import { troubleKind } from './trouble-kind.js';

/** Its cursor in `journal_cursor`. */
export const TROUBLE_RESTORES = 'maintenance-restores';

/**
 * SIA restore codes to the trouble codes they end (AR ends AT, YR ends YT and YM, TR ends TA…),
 * from the Contact ID table's SIA pairs: SIA gives a restore its own code, where Contact ID
 * repeats the trouble's code with qualifier 3.
 */
const SIA_TROUBLES_OF_RESTORE: ReadonlyMap<string, readonly string[]> = (() => {
  const pairs = new Map<string, Set<string>>();
  for (const c of CONTACT_ID_CODES.values()) {
    if (c.siaNew === null || c.siaRestore === null || c.siaNew === c.siaRestore) continue;
    const set = pairs.get(c.siaRestore) ?? new Set<string>();
    set.add(c.siaNew);
    pairs.set(c.siaRestore, set);
  }
  return new Map([...pairs].map(([restore, news]) => [restore, [...news]]));
})();

/**
 * The dedupe keys of the tickets a restore may end: the verification engine's key (account,
 * protocol, code, zone) with the trouble's code. Empty for what is not a trouble's or a tamper's
 * restore (a tamper reported on a zone typed tamper with a burglary code is not recognised).
 */
export function restoredTicketKeys(account: string, event: AlarmEvent): string[] {
  if (event.qualifier !== 'restore') return [];
  const codes = event.protocol === 'sia-dcs' ? (SIA_TROUBLES_OF_RESTORE.get(event.code) ?? []) : [event.code];
  // Alarm restores (a burglary zone closing) are most of the traffic and never a ticket's.
  const trouble = event.eventClass === 'trouble' || event.eventClass === 'supervisory' || codes.some((c) => troubleKind(c) === 'tamper');
  if (!trouble) return [];
  return codes.map((code) => `${account}:${event.protocol}:${code}:${event.zone ?? '-'}`);
}

/**
 * A journal consumer that notes a panel's trouble restore (AC restore, battery restore, tamper
 * restore…) on the open ticket its trouble opened. A restore never closes a ticket: someone
 * still checks the premises' equipment, and the customer signs it off.
 */
export function createTroubleRestoreConsumer(policy: TicketPolicy): JournalConsumer {
  return {
    name: TROUBLE_RESTORES,
    async handle(trx, entries) {
      for (const entry of entries) {
        if (entry.account === null) continue;
        for (const event of entry.events) {
          for (const key of restoredTicketKeys(entry.account, event)) {
            await noteRestore(trx, key, `${event.description} (journal seq ${entry.seq})`, entry.receivedAt, policy);
          }
        }
      }
    },
  };
}
