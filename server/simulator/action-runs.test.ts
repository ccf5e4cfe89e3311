import { and, eq, gte, inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client';
import { actionRunLogs, actionRuns, actions, auditLog, entities } from '../db/schema';
import { Rng } from '../seed/demo-content';
import { seedDemoActions, SIMULATED_RUN_PREFIX } from '../seed/demo-actions';
import { ADMIN_ID, ensureUsers } from '../seed/users';
import { startActionRun } from '../services/action-runs';
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
    // However it ends a run (a final log line or a PATCH), the label says how it ended, never
    // the step it was at ("Succeeded · Verifying").
    expect(new Set(ended.map((r) => `${r.status} ${r.statusLabel}`))).toEqual(
      new Set(['SUCCESS Completed successfully!', 'FAILURE Failed']),
    );
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

  const admin = { id: ADMIN_ID, email: 'admin@runboard.dev', role: 'admin' as const };
  const runById = async (id: string) =>
    (await database.db.select().from(actionRuns).where(eq(actionRuns.id, id)))[0]!;
  /** A run of `action` on the demo's payments-api that the admin starts from the dashboard at `at`. */
  const startByHand = (action: string, at: number, properties: Record<string, unknown> = {}) =>
    startActionRun(
      database.db,
      action,
      { properties, entity: 'payments-api' },
      { actor: admin, now: new Date(at), source: 'UI' },
    );

  // The demo's actions have no backend but the simulator: a run a person starts from the
  // dashboard's "Run action" was never played and stayed IN_PROGRESS for ever.
  it('plays an action run started by hand to success, as it does a workflow run', async () => {
    const db = database.db;
    let time = Date.parse('2026-05-02T12:00:00Z');
    const run = await startByHand('restart_service', time);
    const simulation = new ActionRunSimulation(db, new Rng(11), { adoptHandRuns: true });
    for (let i = 0; i < 40; i++) await simulation.tick(new Date((time += 2000)));
    const [after] = await db.select().from(actionRuns).where(eq(actionRuns.id, run.id));
    expect(after).toMatchObject({ status: 'SUCCESS', createdBy: ADMIN_ID });
    const lines = await db.select().from(actionRunLogs).where(eq(actionRunLogs.runId, run.id));
    expect(lines.length).toBeGreaterThan(1);
  });

  // An action of the demo's name that someone pointed at a backend of their own: the simulator
  // took its runs, reported made-up progress, ended them SUCCESS and changed the catalog.
  it('leaves a hand run of an action with a backend of its own to that backend', async () => {
    const db = database.db;
    let time = Date.parse('2026-05-03T12:00:00Z');
    const [before] = await db
      .select()
      .from(actions)
      .where(eq(actions.identifier, 'deploy_service'));
    await db
      .update(actions)
      .set({ invocationMethod: { type: 'WEBHOOK', url: 'https://ci.example.com/hook' } })
      .where(eq(actions.identifier, 'deploy_service'));
    try {
      const run = await startByHand('deploy_service', time, {
        version: '1.2.3',
        environment: 'staging',
      });
      const simulation = new ActionRunSimulation(db, new Rng(5), { adoptHandRuns: true });
      for (let i = 0; i < 40; i++) await simulation.tick(new Date((time += 2000)));
      expect(await runById(run.id)).toMatchObject({ status: 'IN_PROGRESS', externalRunId: null });
      const lines = await db.select().from(actionRunLogs).where(eq(actionRunLogs.runId, run.id));
      expect(lines).toEqual([]);
      // Nor does it start runs of its own of that action (it started others meanwhile).
      const started = await db
        .select({ action: actionRuns.actionIdentifier })
        .from(actionRuns)
        .where(and(simulated, gte(actionRuns.createdAt, new Date('2026-05-03T12:00:00Z'))));
      expect(started.length).toBeGreaterThan(0);
      expect(started.map((r) => r.action)).not.toContain('deploy_service');
    } finally {
      await db
        .update(actions)
        .set({ invocationMethod: before!.invocationMethod })
        .where(eq(actions.identifier, 'deploy_service'));
    }
  });

  it('leaves every hand run alone on a server that did not seed the demo', async () => {
    const db = database.db;
    let time = Date.parse('2026-05-04T12:00:00Z');
    const run = await startByHand('restart_service', time);
    const simulation = new ActionRunSimulation(db, new Rng(3));
    for (let i = 0; i < 40; i++) await simulation.tick(new Date((time += 2000)));
    expect(await runById(run.id)).toMatchObject({ status: 'IN_PROGRESS', externalRunId: null });
  });

  it("plays a hand run of Delete service to success without deleting the catalog's own service", async () => {
    const db = database.db;
    let time = Date.parse('2026-05-05T12:00:00Z');
    const run = await startByHand('delete_service', time);
    const simulation = new ActionRunSimulation(db, new Rng(1), { adoptHandRuns: true });
    for (let i = 0; i < 40; i++) await simulation.tick(new Date((time += 2000)));
    expect(await runById(run.id)).toMatchObject({ status: 'SUCCESS' });
    const kept = await db
      .select({ identifier: entities.identifier })
      .from(entities)
      .where(and(eq(entities.blueprint, 'service'), eq(entities.identifier, 'payments-api')));
    expect(kept).toHaveLength(1);
  });

  // A restart lost the plan, and the next process took an adopted run for one of its own (which
  // fail one time in five).
  it('plays runs started by hand to success also when another process adopted them', async () => {
    const db = database.db;
    let time = Date.parse('2026-05-06T12:00:00Z');
    const runs = [];
    for (let k = 0; k < 10; k++) {
      runs.push(await startByHand('restart_service', time));
    }
    const first = new ActionRunSimulation(db, new Rng(1), { adoptHandRuns: true });
    await first.tick(new Date((time += 2000)));
    for (const run of runs) expect((await runById(run.id)).externalRunId).toMatch(/^sim-hand-/);
    const next = new ActionRunSimulation(db, new Rng(2), { adoptHandRuns: true });
    for (let i = 0; i < 40; i++) await next.tick(new Date((time += 2000)));
    for (const run of runs) expect((await runById(run.id)).status).toBe('SUCCESS');
  });
});
