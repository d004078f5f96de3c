import type { ContactCard } from '../customers/customer-card.js';
import type { CallTarget } from './verification-state.js';

/**
 * Every number to call back, contact by contact in calling order and each contact's numbers in
 * the order given (the first contact is by convention the premises). A number listed twice is
 * called once: ECV asks for two different numbers.
 */
export function callList(contacts: readonly ContactCard[]): CallTarget[] {
  const seen = new Set<string>();
  const list: CallTarget[] = [];
  for (const contact of [...contacts].sort((a, b) => a.order - b.order)) {
    for (const phone of contact.phones) {
      const number = phone.trim();
      if (number === '' || seen.has(number)) continue;
      seen.add(number);
      list.push({ contact: contact.name, contactOrder: contact.order, phone: number });
    }
  }
  return list;
}
