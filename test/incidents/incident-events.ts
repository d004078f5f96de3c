import type { CustomerCard } from '../../src/customers/customer-card.js';
import type { AlarmEvent } from '../../src/protocols/alarm-event.js';
import { contactIdEvent } from '../../src/protocols/contact-id/contact-id.js';
import { siaEvents } from '../../src/protocols/sia-dcs/sia-dcs.js';

/** A Contact ID event through the real decoder: `cid('130')` burglary new zone 5; qualifier 1/3/6. */
export function cid(code: string, qualifier: '1' | '3' | '6' = '1', zone = 5, account = '1234'): AlarmEvent {
  const decoded = contactIdEvent({ account, qualifier, eventCode: code, group: '01', zoneOrUser: String(zone).padStart(3, '0') }, null);
  if (!decoded.ok) throw new Error(`bad test event ${code}: ${decoded.error.code}`);
  return decoded.value;
}

/** SIA DCS events through the real decoder: `sia('BA005')`. */
export function sia(blocks: string, account = '1234'): AlarmEvent[] {
  const decoded = siaEvents(account, `Nri1/${blocks}`, null);
  if (!decoded.ok) throw new Error(`bad test events ${blocks}: ${decoded.error.code}`);
  return decoded.value;
}

/** A customer card as customer-lookup gives it; override what a test needs. */
export function customerCard(overrides: Partial<CustomerCard> = {}): CustomerCard {
  return {
    id: 'c0ffee00-0000-4000-8000-000000000001',
    name: 'Bank of Test, Xinjiekou branch',
    address: '1 Test Road',
    position: null,
    contractType: 'lease',
    serviceStatus: 'in_service',
    onTest: null,
    accounts: ['1234'],
    zones: [],
    contacts: [],
    panelUsers: [],
    reportingIntervalS: null,
    guardArea: null,
    videoLinks: [],
    ...overrides,
  };
}
