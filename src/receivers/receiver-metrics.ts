import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Reception } from '../journal/reception.js';

/** The receiving path's metrics, registered once per running arc on its own registry. */
export interface ReceiverMetrics {
  /** Every frame journaled, by transport, receiver and outcome (signal, unregistered, receiver, refused). */
  receptions: Counter<'transport' | 'receiver' | 'outcome'>;
  /** Refusals by stable error code (CRC_MISMATCH, GARBAGE, ENCRYPTION_REQUIRED…). */
  refusals: Counter<'transport' | 'code'>;
  /** From the last byte of a frame read to its answer written: includes the journal commit. */
  ackLatency: Histogram<'transport'>;
  /** Open connections (TCP) or ports (serial). */
  connections: Gauge<'transport'>;
  /** Peers cut or refused: too many connections, idle timeout, oversized, rate limit. */
  rejectedPeers: Counter<'transport' | 'reason'>;
  /** Whether each serial receiver is heard (1) or silent/disconnected (0). */
  receiverUp: Gauge<'receiver'>;
}

export function createReceiverMetrics(registry: Registry): ReceiverMetrics {
  const registers = [registry];
  return {
    receptions: new Counter({ name: 'arc_receptions_total', help: 'Frames journaled, by transport, receiver and outcome', labelNames: ['transport', 'receiver', 'outcome'], registers }),
    refusals: new Counter({ name: 'arc_refusals_total', help: 'Frames refused, by transport and error code', labelNames: ['transport', 'code'], registers }),
    ackLatency: new Histogram({
      name: 'arc_ack_latency_seconds',
      help: 'Frame fully read to answer written (journal commit included)',
      labelNames: ['transport'],
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    connections: new Gauge({ name: 'arc_receiver_connections', help: 'Open receiver connections (TCP) or ports (serial)', labelNames: ['transport'], registers }),
    rejectedPeers: new Counter({ name: 'arc_rejected_peers_total', help: 'Peers cut or refused, by reason', labelNames: ['transport', 'reason'], registers }),
    receiverUp: new Gauge({ name: 'arc_serial_receiver_up', help: '1 while a serial receiver is heard within its heartbeat interval', labelNames: ['receiver'], registers }),
  };
}

/** Counts one journaled reception, and its refusal code when it was refused: every receiver alike. */
export function countReception(metrics: ReceiverMetrics, reception: Pick<Reception, 'transport' | 'receiver' | 'outcome' | 'error'>): void {
  metrics.receptions.inc({ transport: reception.transport, receiver: reception.receiver, outcome: reception.outcome });
  if (reception.error) metrics.refusals.inc({ transport: reception.transport, code: reception.error.code });
}
