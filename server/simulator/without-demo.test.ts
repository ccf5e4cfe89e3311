import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { users } from '../db/schema';
import { SIMULATOR_ID } from '../seed/users';
import { startTestServer, type TestServer } from '../test/harness';
import { until } from '../test/until';
import { createQuietWorkflow } from '../test/workflow-fixtures';
import { startSimulator } from './simulator';

/**
 * A database without the demo's workflows, only a team's own. (server/index.ts starts the
 * simulators on a demo install only; this is the simulator's own rule beside that.)
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await createQuietWorkflow(t, 'own-backend');
});
afterAll(async () => t.close());

// It picked any workflow when there was no demo one: a team's own workflow got made-up runs,
// played to made-up results.
it("starts no runs of a team's own workflows", async () => {
  const simulator = startSimulator({ db: t.database.db, tickMs: 20, seed: 5 });
  try {
    // The first tick makes the simulator's user, then tops the runs in progress up to its floor.
    await until('the simulator has ticked', async () => {
      const [row] = await t.database.db.select().from(users).where(eq(users.id, SIMULATOR_ID));
      return row !== undefined;
    });
  } finally {
    // Resolves once the tick under way has finished.
    await simulator.stop();
  }
  const res = await t.api('admin', 'GET', '/workflows/runs?limit=100');
  expect(res.status).toBe(200);
  expect(res.body.workflowRuns).toEqual([]);
});
