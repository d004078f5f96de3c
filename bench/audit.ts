// npm run bench -- audit
// Audit rows chained (canonical JSON, sha256, the row's jsonb text) per second, on one core (this
// process, one thread): the incidents consumer chains an audit row to every action it writes, two
// or more per alarm, on arc's one thread.
import { chainRows } from '../src/audit/append-audit.js';
import { incidentAudit } from '../src/incidents/incident-store.js';
import type { IncidentAction } from '../src/incidents/incident-action.js';
import { keepAlive, measure, report } from './measure.js';

const at = Date.parse('2026-12-07T21:00:00Z');
const event = { code: 'BA', zone: 17, partition: 1, user: null, eventClass: 'burglary', qualifier: 'new', category: 'alarm', text: 'Burglary alarm' };
// The actions a storm writes most (an alarm joining its incident, the engine's notice, an opening), as the consumer audits them.
const actions = [
  { id: '1001', incidentId: '7', at, actor: 'system', kind: 'alarm_joined', journalSeq: '90001', detail: { event, priority: 'burglary' } },
  { id: '1002', incidentId: '7', at, actor: 'verification', kind: 'verification_notice', journalSeq: null, detail: { message: 'zone 17 tripped: linked zones 3 and 17 within 30 min', zones: [3, 17], level: 'linked_zones' } },
  { id: '1003', incidentId: '8', at, actor: 'system', kind: 'opened', journalSeq: '90002', detail: { event, priority: 'burglary', eventClass: 'burglary', customer: 'in_service', receivedAt: at } },
] as unknown as IncidentAction[];
const entries = actions.map(incidentAudit);
const prev = 'a'.repeat(64);

console.log(`node ${process.version}, one thread; each figure is the median of 5 rounds of 1 s after a warm-up\n`);
// One row per op, as chainRows makes each row of a batch (the batch is a loop around this).
const line = report(measure('audit row chained (chainRows)', (i) => chainRows(prev, [String(i)], [entries[i % entries.length]!])));
console.log(line);
keepAlive();
