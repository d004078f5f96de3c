import type { Reception, Transport } from '../../journal/reception.js';
import { countReception } from '../receiver-metrics.js';
import type { Dc09ListenerDeps } from './dc09-tcp-listener.js';
import { DC09_FRAME_CAP_BYTES, type FramerItem } from '../../protocols/dc09/dc09-stream-framer.js';

/**
 * Bytes that are no frame (garbage, an oversized header) are journaled raw as refused and
 * counted: no answer goes back, since there is no frame to echo. A journal failure is logged,
 * not thrown: nothing was promised to the peer.
 */
export async function refusedBytes(item: Exclude<FramerItem, { kind: 'frame' }>, source: { transport: Transport; peer: string }, deps: Dc09ListenerDeps): Promise<void> {
  const error =
    item.kind === 'garbage'
      ? { code: 'GARBAGE' as const, message: `${item.length} bytes outside any DC-09 frame` }
      : { code: 'OVERSIZED' as const, message: `a DC-09 frame declaring ${item.declared} bytes; at most ${DC09_FRAME_CAP_BYTES} are accepted` };
  const reception: Reception = {
    ...source,
    receiver: 'dc09',
    receivedAt: deps.now(),
    raw: item.bytes,
    format: null,
    account: null,
    outcome: 'refused',
    error,
    frame: null,
    events: [],
    dedupKey: null,
  };
  try {
    await deps.journal.append(reception);
    countReception(deps.metrics, reception);
  } catch (err) {
    deps.logger.error({ peer: source.peer, err }, 'refused bytes not journaled');
  }
}
