import { listenForNotifications, type NotificationListener } from '../store/pg-notification-listener.js';
import { INCIDENT_CHANNEL, type IncidentBus } from './incident-bus.js';

/**
 * Feeds the bus with every node's incident commits, by LISTEN on PostgreSQL: an operator on the
 * other node acting on an incident must show on this node's consoles at once.
 */
export function listenForIncidentActions(databaseUrl: string, bus: IncidentBus, onError: (err: Error, failures: number) => void): NotificationListener {
  return listenForNotifications(databaseUrl, INCIDENT_CHANNEL, (actionId) => actionId && bus.published(actionId), onError);
}
