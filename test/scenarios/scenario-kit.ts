import type { Test } from 'tap';
import { startCentre as start, type Centre, type Premises } from '../../bench/support/scenario-centre.js';
import type { TestDatabase } from '../helpers/databases.js';

export { DURESS, eventually, GUARDS, MANAGER, OWNER, PASSCODE, PREMISES } from '../../bench/support/scenario-centre.js';

/** The whole centre on a new database of `database`, stopped at the test's end (SCENARIO_LOG=1: its warnings on stderr). */
export async function startCentre(t: Test, database: TestDatabase, premises: Premises[]): Promise<Centre> {
  const location = await database.location(t);
  const centre = await start(location.env, premises, process.env.SCENARIO_LOG ? { log: process.stderr } : {});
  t.teardown(() => centre.stop());
  return centre;
}
