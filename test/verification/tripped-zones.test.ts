import t from 'tap';
import { upgradeVerificationState } from '../../src/verification/tripped-zones.js';
import { MAX_ZONES, type VerificationState } from '../../src/verification/verification-state.js';
import { INCIDENT, MIN, Scenario, T0, alarm, only, shop } from './verification-given.js';

t.test('a detector that repeats is one entry of the case, counted, however often it trips', async (t) => {
  const s = new Scenario().given([alarm('130', 1)]);
  for (let i = 1; i <= 200; i++) s.when(alarm('130', 1, T0 + i * 1000), T0 + i * 1000);
  const zones = s.state.case?.zones ?? [];
  t.equal(zones.length, 1);
  t.match(zones[0], { zone: 1, route: 'burglary', firstAt: T0, lastAt: T0 + 200_000, count: 201 });
  t.equal(only(s.commands, 'forward_110').length, 0, 'the same zone repeating never confirms');
});

t.test('a storm over many zones keeps the most recent MAX_ZONES detectors', async (t) => {
  const card = shop({ zones: Array.from({ length: 40 }, (_, i) => ({ account: '1234', number: i + 1, name: `zone ${i + 1}`, location: '', type: 'burglary' as const, principle: 'PIR', linkedGroup: null })) });
  const s = new Scenario();
  for (let i = 0; i < 40; i++) s.when(alarm('130', i + 1, T0 + i * 1000, card), T0 + i * 1000);
  const zones = s.state.case?.zones ?? [];
  t.equal(zones.length, MAX_ZONES);
  t.same(zones.map((z) => z.zone), Array.from({ length: MAX_ZONES }, (_, i) => 40 - MAX_ZONES + i + 1), 'least recent first, the oldest dropped');
});

t.test('a forward names each detector once, with how many alarms since when', async (t) => {
  const s = new Scenario().given([alarm('130', 1)], [alarm('130', 1, T0 + MIN), T0 + MIN], [alarm('130', 1, T0 + 2 * MIN), T0 + 2 * MIN]);
  s.when(alarm('130', 3, T0 + 3 * MIN), T0 + 3 * MIN);
  const [forward] = only(s.commands, 'forward_110');
  t.equal(forward?.level, 'linked_zones');
  t.match(forward?.evidence, [
    { kind: 'alarm', zone: 1, at: T0 + 2 * MIN, count: 3, firstAt: T0 },
    { kind: 'alarm', zone: 3, at: T0 + 3 * MIN },
  ]);
  t.equal(forward?.evidence.length, 2, 'zone 1 is not listed a second time beside the decisive alarms');
  t.notOk('count' in (forward?.evidence[1] ?? {}), 'a single alarm carries no count');
});

t.test('the linked-zone window runs from the partner zone\'s latest alarm', async (t) => {
  const s = new Scenario().given([alarm('130', 1)], [alarm('130', 1, T0 + 25 * MIN), T0 + 25 * MIN]);
  s.when(alarm('130', 3, T0 + 50 * MIN), T0 + 50 * MIN);
  t.equal(only(s.commands, 'forward_110').length, 1, 'zone 1 last tripped 25 min before zone 3: inside the 30 min window');

  const late = new Scenario().given([alarm('130', 1)]);
  late.when(alarm('130', 3, T0 + 31 * MIN), T0 + 31 * MIN);
  t.equal(only(late.commands, 'forward_110').length, 0, 'zone 1 tripped 31 min before: outside it');
});

t.test('a case stored before detectors were folded is read with its trips folded, and still confirms', async (t) => {
  const evidence = (zone: number, at: number) => ({ kind: 'alarm' as const, at, zone, zoneName: `zone ${zone}`, principle: 'PIR', code: '130', description: 'Burglary' });
  const trip = (zone: number, at: number) => ({ at, route: 'burglary' as const, zone, principle: 'PIR', linkedGroup: null, evidence: evidence(zone, at) });
  const stored = {
    account: '1234',
    arming: 'unknown',
    case: {
      incidentId: INCIDENT,
      openedAt: T0,
      stage: 'verifying',
      trips: [trip(1, T0), trip(1, T0 + MIN)],
      fireAwaiting: false,
      callList: [],
      nextCall: 0,
      pendingCall: null,
      unanswered: [],
      guardDispatched: true,
      timers: [],
      seq: 2,
      evidence: [],
      forwarded: null,
      revision: 0,
    },
  } as unknown as VerificationState;
  const upgraded = upgradeVerificationState(stored);
  t.notOk('trips' in (upgraded.case ?? {}));
  t.match(upgraded.case?.zones, [{ zone: 1, firstAt: T0, lastAt: T0 + MIN, count: 2, zoneName: 'zone 1', code: '130' }]);
  t.equal(upgradeVerificationState(upgraded), upgraded, 'a state in today\'s shape is returned as it is');

  const s = new Scenario();
  s.state = upgraded;
  s.when(alarm('130', 3, T0 + 2 * MIN), T0 + 2 * MIN);
  const [forward] = only(s.commands, 'forward_110');
  t.match(forward?.evidence, [{ zone: 1, count: 2 }, { zone: 3 }]);
});
