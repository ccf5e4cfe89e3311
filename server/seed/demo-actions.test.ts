import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness';
import { seedDemoActions } from './demo-actions';

const now = new Date('2026-05-01T12:00:00Z');
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
});
afterAll(async () => t.close());

describe('seedDemoActions', () => {
  it('seeds actions, a few hundred ended runs over 30 days, logs and tied entity changes', async () => {
    const result = await seedDemoActions(t.database.db, { now });
    expect(result.seeded).toBe(true);
    expect(result.runs).toBeGreaterThanOrEqual(200);

    const actions = await t.api('member', 'GET', '/actions');
    expect(actions.body.actions.map((a: { identifier: string }) => a.identifier)).toEqual([
      'create_service',
      'delete_service',
      'deploy_service',
      'restart_service',
      'scale_environment',
    ]);
    const runs = await t.api('admin', 'GET', '/actions/runs?version=v2');
    expect(runs.body.runs).toHaveLength(result.runs);
    const oldest = Date.parse(runs.body.runs[runs.body.runs.length - 1].createdAt);
    expect(now.getTime() - oldest).toBeLessThanOrEqual(31 * 24 * 3600 * 1000);
    expect(runs.body.runs.some((r: { link: unknown }) => Array.isArray(r.link))).toBe(true);
    expect(runs.body.runs.some((r: { status: string }) => r.status === 'DECLINED')).toBe(true);
    expect(runs.body.runs.every((r: { endedAt: string | null }) => r.endedAt !== null)).toBe(true);

    const tied = await t.api('admin', 'GET', '/audit-log?resources=entity&entity=payments-api');
    const withRun = tied.body.audits.filter(
      (a: { context: { runId: string | null } }) => a.context.runId,
    );
    expect(withRun.length).toBeGreaterThan(0);
    const runId = withRun[0].context.runId as string;
    // Each change names its run's action, as a change tied to an action run is recorded.
    const run = await t.api('admin', 'GET', `/actions/runs/${runId}?version=v2`);
    expect(withRun[0].context.action).toBe(run.body.run.action.identifier);
    const logs = await t.api('admin', 'GET', `/actions/runs/${runId}/logs`);
    expect(logs.body.runLogs.map((l: { message: string }) => l.message)).toContain(
      'entity service/payments-api updated',
    );

    const activity = await t.api(
      'member',
      'GET',
      '/blueprints/service/entities/payments-api/activity',
    );
    expect(activity.body.activity.length).toBe(50);
    expect(activity.body.nextCursor).not.toBeNull();
  });

  it('leaves an organization that has actions as it is', async () => {
    const again = await seedDemoActions(t.database.db, { now });
    expect(again).toMatchObject({ seeded: false, runs: 0 });
  });
});
