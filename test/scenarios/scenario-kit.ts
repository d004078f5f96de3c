import type { Test } from 'tap';
import { eventually, startCentre as start, type Centre, type Premises } from '../../bench/support/scenario-centre.js';
import type { TestDatabase } from '../helpers/databases.js';

export { DURESS, eventually, GUARDS, MANAGER, OWNER, PASSCODE, PREMISES } from '../../bench/support/scenario-centre.js';

/**
 * The whole centre on a new database of `database`, stopped at the test's end (SCENARIO_LOG=1: its
 * warnings on stderr). `env`: more settings, over the scenario centre's (a voice gateway's).
 * `databaseUrl`: where the centre's PostgreSQL database is, for a test to look into (undefined on
 * the embedded database, which the centre's process holds alone).
 */
export async function startCentre(t: Test, database: TestDatabase, premises: Premises[], env: Record<string, string> = {}): Promise<Centre & { databaseUrl: string | undefined }> {
  const location = await database.location(t);
  const centre = await start({ ...location.env, ...env }, premises, process.env.SCENARIO_LOG ? { log: process.stderr } : {});
  t.teardown(() => centre.stop());
  return { ...centre, databaseUrl: location.databaseUrl };
}

export interface IncidentView {
  id: string;
  account: string;
  status: string;
}
export interface ActionView {
  kind: string;
  actor: string;
  detail: Record<string, unknown>;
}

/** What the operator's API shows of the centre's incidents, waited for where it comes later. */
export function incidentViews(c: Pick<Centre, 'api'>) {
  const incidentOf = (account: string) =>
    eventually(async () => {
      const { body } = await c.api<{ incidents: IncidentView[] }>('operator', 'GET', '/api/incidents?state=all&limit=1000');
      return body.incidents.find((i) => i.account === account);
    }, `an incident for ${account}`);
  const actionsOf = async (id: string) => (await c.api<{ actions: ActionView[]; incident: IncidentView }>('operator', 'GET', `/api/incidents/${id}`)).body;
  const actionSeen = (id: string, kind: string, match: (a: ActionView) => boolean = () => true, timeoutMs?: number) =>
    eventually(async () => (await actionsOf(id)).actions.find((a) => a.kind === kind && match(a)), `${kind} on incident ${id}`, timeoutMs);
  return { incidentOf, actionsOf, actionSeen };
}
