import t from 'tap';
import { decideLease, stepDownAt, type LeaseObservation } from '../../src/failover/decide-lease.js';

const lease = (o: Partial<LeaseObservation>): LeaseObservation => ({ holder: 'b', term: 4, expired: false, handoverTo: null, ...o });
const standby = { nodeId: 'a', term: null };
const leader = { nodeId: 'a', term: 4 };

t.test('a standby takes a free or lapsed lease, its own from before, or one handed to it; otherwise it waits', async (t) => {
  t.same(decideLease(standby, undefined), { kind: 'acquire', reason: 'first' }, 'no row yet');
  t.same(decideLease(standby, lease({ holder: null, term: 0, expired: true })), { kind: 'acquire', reason: 'first' }, 'never held');
  t.same(decideLease(standby, lease({})), { kind: 'stand-by' }, 'another node holds it');
  t.same(decideLease(standby, lease({ expired: true })), { kind: 'acquire', reason: 'lapsed' }, 'the holder did not renew');
  t.same(decideLease(standby, lease({ holder: null, expired: true })), { kind: 'acquire', reason: 'lapsed' }, 'released by a leader that stopped');
  t.same(decideLease(standby, lease({ holder: 'a' })), { kind: 'acquire', reason: 'reclaimed' }, 'its own, from before a restart or a step-down: a new term all the same');
  t.same(decideLease(standby, lease({ holder: 'a', handoverTo: 'a' })), { kind: 'adopt' }, 'handed over to it: taken up under the term the leader gave');
  t.same(decideLease(standby, lease({ handoverTo: 'a' })), { kind: 'stand-by' }, 'a switchover to it was asked, but the leader has not drained yet');
  t.same(decideLease(standby, lease({ handoverTo: 'c', expired: true })), { kind: 'acquire', reason: 'lapsed' }, 'handed to a node that never took it up: it lapses to anyone');
});

t.test('a leader keeps its lease, hands it over when asked, and steps down when it is not its own any more', async (t) => {
  t.same(decideLease(leader, lease({ holder: 'a' })), { kind: 'keep' });
  t.same(decideLease(leader, lease({ holder: 'a', handoverTo: 'b' })), { kind: 'hand-over', to: 'b' });
  t.same(decideLease(leader, lease({ holder: 'a', handoverTo: 'a' })), { kind: 'keep' }, 'a switchover to itself is no switchover');
  t.same(decideLease(leader, lease({ holder: 'b', term: 5 })), { kind: 'step-down' }, 'another node took it');
  t.same(decideLease(leader, lease({ holder: 'a', term: 5 })), { kind: 'step-down' }, 'its own node id under another term (a second process with this id)');
  t.same(decideLease(leader, undefined), { kind: 'step-down' }, 'the row is gone');
});

t.test('a leader that cannot renew stops one renewal interval before its lease can lapse', async (t) => {
  t.equal(stepDownAt(10_000, 2_000, 500), 11_500);
  t.ok(stepDownAt(0, 2_000, 500) < 2_000, 'before the ttl counted from the renewal it sent');
});
