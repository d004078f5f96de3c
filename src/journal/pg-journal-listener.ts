import { listenForNotifications, type NotificationListener } from '../store/pg-notification-listener.js';
import { JOURNAL_CHANNEL, type JournalBus } from './journal-bus.js';

/**
 * Feeds the bus with every node's commits, by LISTEN on PostgreSQL: the other node's receivers
 * write to the same journal, and this node's consumers should not wait for a poll to see them.
 */
export function listenForJournalCommits(databaseUrl: string, bus: JournalBus, onError: (err: Error, failures: number) => void): NotificationListener {
  return listenForNotifications(databaseUrl, JOURNAL_CHANNEL, (seq) => seq && bus.committed(seq), onError);
}
