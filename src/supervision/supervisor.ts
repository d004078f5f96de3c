import { DueHeap } from './due-heap.js';
import { counts, type ReportKind, type SupervisionSettings } from './supervision-settings.js';

/**
 * A transition of one account, as the durable log records it:
 * - `late`: no report that counts within interval + grace: a communication-fail trouble, and
 *   the account leaves the online set (`at` is when it fell due, not when the tick noticed);
 * - `restored`: a late account reported again (`at` is the report's reception time);
 * - `included` / `excluded`: the account entered or left the in-service set (the rate's
 *   denominator); `excluded` also ends a communication-fail trouble.
 */
export type SupervisionEventKind = 'late' | 'restored' | 'included' | 'excluded';

export interface SupervisionEvent {
  kind: SupervisionEventKind;
  account: string;
  /** Epoch ms. Never earlier than the account's previous event. */
  at: number;
  /** The last report that counts, by the settings in force; null if it never reported. */
  lastReportAt: number | null;
}

export type Standing = 'online' | 'late' | 'excluded';

/** What the durable log said about an account when the state is rebuilt at start. */
export interface AccountHistory {
  /** The last reception of any kind, and the last test or NULL poll (epoch ms, null: none). */
  lastAnyAt: number | null;
  lastTestAt: number | null;
  /** The standing after the last recorded event; null when none was recorded. */
  standing: Standing | null;
  /** When the last recorded `late` happened, if the standing is late. */
  lateSince: number | null;
  /** When it was last recorded `included`. */
  includedAt: number | null;
  /** When its last event was recorded: new events never go before it. */
  lastEventAt: number | null;
}

export interface LiveRate {
  /** Supervised accounts whose customer is in service. */
  inService: number;
  online: number;
  late: number;
  /** Supervised accounts out of service: suspended, on test, decommissioned. */
  excluded: number;
  /** online / inService; null when nothing is in service. */
  rate: number | null;
}

export interface LateAccount {
  account: string;
  lateSince: number;
  lastReportAt: number | null;
  settings: SupervisionSettings;
}

interface Tracked {
  account: string;
  settings: SupervisionSettings;
  lastAnyAt: number | null;
  lastTestAt: number | null;
  /** When it last entered the in-service set: a panel that never reported is due from here. */
  since: number;
  lateSince: number | null;
  lastEventAt: number;
  /** Bumped whenever its heap entry must be replaced: older entries are skipped (lazy deletion). */
  version: number;
}

interface HeapEntry {
  due: number;
  key: string;
  tracked: Tracked;
  version: number;
}

/**
 * The heartbeat supervisor's bookkeeping: pure, time is an argument. One due-ordered heap holds
 * at most one live entry per online account. A report only moves the account's last-report
 * time (O(1), no heap work); when an entry reaches the top, the tick either finds a later
 * report and pushes the account back at its new due time, or declares it late. So the cost is
 * about one heap operation per account per interval, whatever the report rate.
 *
 * @example
 * const s = new Supervisor();
 * s.configure('1234', { intervalMs: 90_000, graceMs: 90_000, countsAs: 'any', inService: true }, t0);
 * s.report('1234', t0 + 80_000, 'test');
 * s.tick(t0 + 300_000); // [{ kind: 'late', account: '1234', at: t0 + 260_000, lastReportAt: t0 + 80_000 }]
 */
export class Supervisor {
  readonly #accounts = new Map<string, Tracked>();
  readonly #late = new Map<string, Tracked>();
  readonly #heap = new DueHeap<HeapEntry>();
  #inService = 0;

  get size(): number {
    return this.#accounts.size;
  }

  /** Sets (or, with null, stops) an account's supervision; returns the transitions it causes. */
  configure(account: string, settings: SupervisionSettings | null, now: number): SupervisionEvent[] {
    const tracked = this.#accounts.get(account);
    if (!tracked) {
      if (settings === null) return [];
      const fresh = this.#track(account, settings, { lastAnyAt: null, lastTestAt: null, since: now, lastEventAt: now });
      return settings.inService ? [this.#event('included', fresh, now)] : [];
    }
    if (settings === null) {
      const events = tracked.settings.inService ? [this.#leave(tracked, now)] : [];
      this.#accounts.delete(account);
      tracked.version++;
      return events;
    }
    const was = tracked.settings;
    if (sameSettings(was, settings)) return [];
    tracked.settings = settings;
    tracked.version++;
    if (was.inService && !settings.inService) return [this.#leave(tracked, now)];
    if (!was.inService && settings.inService) {
      this.#inService++;
      tracked.since = now;
      this.#schedule(tracked);
      return [this.#event('included', tracked, now)];
    }
    if (!settings.inService) return [];
    // Still in service with other settings: a late account whose last report is within the
    // new window is no longer late; an online one is due again by the new settings.
    if (tracked.lateSince !== null) {
      if (this.#dueOf(tracked) <= now) return [];
      this.#clearLate(tracked);
      this.#schedule(tracked);
      return [this.#event('restored', tracked, now)];
    }
    this.#schedule(tracked);
    return [];
  }

  /**
   * Rebuilds an account at start from its configuration and what the journal and the durable
   * log say, returning only the transitions that happened while nobody was watching (a late
   * account that reported meanwhile is restored; a newly in-service one is included).
   */
  resume(account: string, settings: SupervisionSettings | null, history: AccountHistory, now: number): SupervisionEvent[] {
    const wasIn = history.standing === 'online' || history.standing === 'late';
    const lastEventAt = history.lastEventAt ?? now;
    if (settings === null) {
      return wasIn ? [{ kind: 'excluded', account, at: Math.max(now, lastEventAt), lastReportAt: null }] : [];
    }
    const tracked = this.#track(account, { ...settings, inService: false }, { lastAnyAt: history.lastAnyAt, lastTestAt: history.lastTestAt, since: now, lastEventAt });
    if (!settings.inService) {
      return wasIn ? [this.#event('excluded', tracked, now)] : [];
    }
    tracked.settings = settings;
    this.#inService++;
    if (!wasIn) {
      this.#schedule(tracked);
      return [this.#event('included', tracked, now)];
    }
    tracked.since = history.includedAt ?? now;
    if (history.standing === 'late' && history.lateSince !== null) {
      const last = this.#lastReportAt(tracked);
      if (last !== null && last > history.lateSince) {
        this.#schedule(tracked);
        return [this.#event('restored', tracked, last)];
      }
      tracked.lateSince = history.lateSince;
      this.#late.set(account, tracked);
      return [];
    }
    this.#schedule(tracked);
    return [];
  }

  /**
   * A reception from the account at `at` (its reception time). A late account that reports
   * something that counts, newer than what it had reported, is restored.
   */
  report(account: string, at: number, kind: ReportKind): SupervisionEvent[] {
    const tracked = this.#accounts.get(account);
    if (!tracked) return [];
    const before = this.#lastReportAt(tracked);
    if (tracked.lastAnyAt === null || at > tracked.lastAnyAt) tracked.lastAnyAt = at;
    if (kind === 'test' && (tracked.lastTestAt === null || at > tracked.lastTestAt)) tracked.lastTestAt = at;
    if (tracked.lateSince === null || !counts(tracked.settings.countsAs, kind)) return [];
    if (before !== null && at <= before) return [];
    this.#clearLate(tracked);
    this.#schedule(tracked);
    return [this.#event('restored', tracked, at)];
  }

  /** Every in-service account whose due time is at or before `now` becomes late, once. */
  tick(now: number): SupervisionEvent[] {
    const events: SupervisionEvent[] = [];
    for (let top = this.#heap.peek(); top !== undefined && top.due <= now; top = this.#heap.peek()) {
      this.#heap.pop();
      const tracked = top.tracked;
      if (top.version !== tracked.version || tracked.lateSince !== null || !tracked.settings.inService) continue;
      const due = this.#dueOf(tracked);
      if (due > now) {
        this.#heap.push({ due, key: tracked.account, tracked, version: tracked.version });
        continue;
      }
      tracked.lateSince = Math.max(due, tracked.since, tracked.lastEventAt);
      this.#late.set(tracked.account, tracked);
      events.push(this.#event('late', tracked, tracked.lateSince));
    }
    return events;
  }

  standing(account: string): Standing | undefined {
    const tracked = this.#accounts.get(account);
    if (!tracked) return undefined;
    if (!tracked.settings.inService) return 'excluded';
    return tracked.lateSince === null ? 'online' : 'late';
  }

  live(): LiveRate {
    const late = this.#late.size;
    const inService = this.#inService;
    return { inService, online: inService - late, late, excluded: this.#accounts.size - inService, rate: inService === 0 ? null : (inService - late) / inService };
  }

  /** The late accounts, longest late first. */
  lateAccounts(): LateAccount[] {
    return [...this.#late.values()]
      .map((t) => ({ account: t.account, lateSince: t.lateSince!, lastReportAt: this.#lastReportAt(t), settings: t.settings }))
      .sort((a, b) => a.lateSince - b.lateSince || (a.account < b.account ? -1 : 1));
  }

  #track(account: string, settings: SupervisionSettings, start: Pick<Tracked, 'lastAnyAt' | 'lastTestAt' | 'since' | 'lastEventAt'>): Tracked {
    const tracked: Tracked = { account, settings, ...start, lateSince: null, version: 0 };
    this.#accounts.set(account, tracked);
    if (settings.inService) {
      this.#inService++;
      this.#schedule(tracked);
    }
    return tracked;
  }

  #leave(tracked: Tracked, now: number): SupervisionEvent {
    this.#inService--;
    this.#clearLate(tracked);
    return this.#event('excluded', tracked, now);
  }

  #clearLate(tracked: Tracked): void {
    tracked.lateSince = null;
    this.#late.delete(tracked.account);
  }

  #schedule(tracked: Tracked): void {
    tracked.version++;
    this.#heap.push({ due: this.#dueOf(tracked), key: tracked.account, tracked, version: tracked.version });
  }

  #lastReportAt(tracked: Tracked): number | null {
    return tracked.settings.countsAs === 'any' ? tracked.lastAnyAt : tracked.lastTestAt;
  }

  #dueOf(tracked: Tracked): number {
    const { intervalMs, graceMs } = tracked.settings;
    const last = this.#lastReportAt(tracked);
    // A panel that never reported is given one full window from when supervision began.
    return (last ?? tracked.since) + intervalMs + graceMs;
  }

  #event(kind: SupervisionEventKind, tracked: Tracked, at: number): SupervisionEvent {
    const when = Math.max(at, tracked.lastEventAt);
    tracked.lastEventAt = when;
    return { kind, account: tracked.account, at: when, lastReportAt: this.#lastReportAt(tracked) };
  }
}

function sameSettings(a: SupervisionSettings, b: SupervisionSettings): boolean {
  return a.intervalMs === b.intervalMs && a.graceMs === b.graceMs && a.countsAs === b.countsAs && a.inService === b.inService;
}
