import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { PanelLink } from './panel-link.js';
import { PanelMessageSource } from './panel-messages.js';
import { SimPanel, type PanelContext } from './sim-panel.js';
import { resolveSimOptions, type PanelSimOptions } from './sim-options.js';
import { emptyCounters, latencySummary, type AckedFrame, type SimReport } from './sim-report.js';
import { TcpPanelLink } from './tcp-panel-link.js';
import { UdpPanelLink } from './udp-panel-link.js';

export interface RunPanelsDeps {
  /** Epoch ms for DC-09 timestamps (default Date.now): a test can skew the panels' clocks. */
  now?: () => number;
  /** Pad bytes for encryption (default crypto.randomBytes). */
  random?: (n: number) => Uint8Array;
  /**
   * Ends the run early: no new frames, no more re-sends; attempts in flight get their answer
   * or their timeout, then the report is made as usual.
   */
  signal?: AbortSignal;
}

/**
 * Runs `count` simulated DC-09 panels against a receiver and reports what they saw. Throws
 * PanelSimOptionsError on bad options, before opening any socket; otherwise always resolves.
 *
 * Frames are due at times g/rate for g = 0, 1, …, before durationS, frame g owed by panel
 * g mod count: the load is spread evenly over panels and over time. A panel still waiting for
 * an ACK starts its owed frames as soon as it is free; what it still owes at the end is `unsent`.
 */
export async function runPanels(options: PanelSimOptions, deps: RunPanelsDeps = {}): Promise<SimReport> {
  const o = resolveSimOptions(options);
  const counters = emptyCounters();
  const latencies: number[] = [];
  const ackedFrames: AckedFrame[] | null = o.recordAcks ? [] : null;
  const messages = new PanelMessageSource(o.alarmShare);
  let stopping = false;
  let onSettled = () => {};
  const ctx: PanelContext = {
    key: o.key,
    ackTimeoutMs: o.ackTimeoutMs,
    retries: o.retries,
    counters,
    latencies,
    ackedFrames,
    now: deps.now ?? Date.now,
    monotonic: () => performance.now(),
    random: deps.random ?? ((n) => randomBytes(n)),
    nextMessage: (account) => messages.next(account),
    get stopping() {
      return stopping;
    },
    get aborted() {
      return deps.signal?.aborted ?? false;
    },
    settled: () => onSettled(),
  };
  const panels = Array.from({ length: o.count }, (_, i) => {
    const panel = new SimPanel(String(o.accountBase + i), ctx);
    panel.link = o.proto === 'tcp' ? new TcpPanelLink(o.host, o.port, panel) : new UdpPanelLink(o.host, o.port, panel);
    return panel;
  });

  const start = performance.now();
  // The last frame due strictly before the end; the epsilon keeps rate*duration = 50.0000001 at 50.
  const total = Math.ceil((o.rate * o.durationMs) / 1000 - 1e-9);
  let issued = 0;
  await new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    const done = () => {
      if (stopping && panels.every((p) => !p.busy)) resolve();
    };
    const stop = () => {
      if (stopping) return;
      stopping = true;
      if (timer) clearTimeout(timer);
      deps.signal?.removeEventListener('abort', stop);
      for (const p of panels) {
        counters.unsent += p.owed;
        p.owed = 0;
      }
      onSettled = done;
      done();
    };
    const tick = () => {
      timer = null;
      const elapsed = performance.now() - start;
      const due = Math.min(total, Math.floor((elapsed * o.rate) / 1000) + 1);
      for (; issued < due; issued++) {
        const panel = panels[issued % o.count]!;
        panel.owed++;
        panel.pump();
      }
      if (issued >= total || elapsed >= o.durationMs) {
        // Wait out the duration even when the last frame is issued early, so durationS means wall
        // time. A timer may fire a little before performance.now() says it is due: look again.
        const waitOut = () => {
          const left = o.durationMs - (performance.now() - start);
          if (left > 0) timer = setTimeout(waitOut, Math.ceil(left));
          else stop();
        };
        waitOut();
        return;
      }
      timer = setTimeout(tick, Math.max(0, (issued * 1000) / o.rate - elapsed));
    };
    if (deps.signal?.aborted) stop();
    else {
      deps.signal?.addEventListener('abort', stop);
      tick();
    }
  });
  const elapsedS = Math.round(performance.now() - start) / 1000;
  await Promise.all(panels.map((p) => (p.link as PanelLink).close()));
  for (const p of panels) if (p.link instanceof TcpPanelLink) counters.disconnects += p.link.disconnects;

  return {
    proto: o.proto,
    target: o.host.includes(':') ? `[${o.host}]:${o.port}` : `${o.host}:${o.port}`,
    panels: o.count,
    rate: o.rate,
    durationS: o.durationMs / 1000,
    encrypted: o.key !== null,
    elapsedS,
    ...counters,
    latencyMs: latencySummary(latencies),
    ok: counters.sent > 0 && counters.acked === counters.sent,
    ...(ackedFrames ? { ackedFrames } : {}),
  };
}
