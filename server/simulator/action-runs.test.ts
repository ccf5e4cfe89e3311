import { and, eq, inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client';
import { actionRunLogs, actionRuns, auditLog } from '../db/schema';
import { Rng } from '../seed/demo-content';
import { seedDemoActions, SIMULATED_RUN_PREFIX } from '../seed/demo-actions';
import { ensureUsers } from '../seed/users';
import { freshDatabase, TEST_CREDENTIALS } from '../test/harness';
import { ActionRunSimulation, MAX_ACTIVE } from './action-runs';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
  await ensureUsers(database.db, TEST_CREDENTIALS);
  await seedDemoActions(database.db, { now: new Date('2026-05-01T12:00:00Z'), runs: 20 });
});
afterAll(async () => database.close());

const simulated = like(actionRuns.externalRunId, `${SIMULATED_RUN_PREFIX}%`);

describe('the action-run simulator', () => {
  it('keeps a few runs active and drives them to an end with logs and tied changes', async () => {
    const db = database.db;
    const simulation = new ActionRunSimulation(db, new Rng(7));
    let time = Date.parse('2026-05-01T12:00:00Z');
    for (let i = 0; i < 150; i++) {
      await simulation.tick(new Date((time += 2000)));
      const active = await db
        .select({ id: actionRuns.id })
        .from(actionRuns)
        .where(and(simulated, inArray(actionRuns.status, ['IN_PROGRESS', 'WAITING_FOR_APPROVAL'])));
      expect(active.length).toBeLessThanOrEqual(MAX_ACTIVE);
    }
    const ended = await db
      .select()
      .from(actionRuns)
      .where(and(simulated, inArray(actionRuns.status, ['SUCCESS', 'FAILURE'])));
    expect(ended.length).toBeGreaterThan(3);
    const run = ended[0]!;
    const lines = await db.select().from(actionRunLogs).where(eq(actionRunLogs.runId, run.id));
    expect(lines.length).toBe(run.logSeq);
    expect(lines.length).toBeGreaterThan(0);
    const tied = await db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.resourceType, 'entity'),
          inArray(
            auditLog.runId,
            ended.map((r) => r.id),
          ),
        ),
      );
    expect(tied.length).toBeGreaterThan(0);
  });
});
