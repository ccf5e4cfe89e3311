import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityItem } from '../../contract/entities';
import { timePool } from '../db/client';
import { startTestServer, type TestServer } from '../test/harness';
import { createQuietWorkflow } from '../test/workflow-fixtures';
import { until } from '../test/until';
import { enableRequestTiming, takeRequestTimings } from '../timing';
import { seedActionCatalog, startRunAs } from './action-runs.fixtures';

/**
 * What a page of an entity's activity costs in queries, counted by the request timing the load
 * bench uses (server/timing.ts: every query sent on the pool, per request). The feed's [ext]
 * `runTitle` of a change tied to a run comes with the change itself, so a page costs the same
 * whatever runs its changes were made by and however many items it holds.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ withoutDispatcher: true });
  await seedActionCatalog(t);
  await createQuietWorkflow(t, 'provision', { title: 'Provision' });
  // The feed's route reads through the main pool; the sign-in lookup (the reads pool) is not
  // the feed's and is shared between requests, so it is left out of the count.
  timePool(t.database.db);
  enableRequestTiming();
});
afterAll(async () => t.close());

const entities = '/blueprints/microservice/entities';

/** The feed's page and the number of queries the server sent for it. */
async function page(entity: string, query: string) {
  takeRequestTimings();
  const res = await t.api('admin', 'GET', `${entities}/${entity}/activity?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  // A request's record is written when its answer has been handed to the socket.
  const timed = await until(
    'the request is recorded',
    async () => {
      const records = takeRequestTimings();
      return records.length ? records : false;
    },
    { timeoutMs: 5_000, intervalMs: 5 },
  );
  expect(timed).toHaveLength(1);
  return { activity: res.body.activity as ActivityItem[], queries: timed[0]!.queries };
}

async function change(entity: string, title: string, runId?: string) {
  const res = await t.api(
    'admin',
    'PATCH',
    `${entities}/${entity}${runId ? `?run_id=${runId}` : ''}`,
    {
      title,
    },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

describe('an entity activity page', () => {
  it('costs the same queries with its changes’ run titles as without, for any page size', async () => {
    // Changes tied to no run.
    await t.api('admin', 'POST', entities, { identifier: 'untied', title: 'Untied' });
    for (let i = 0; i < 12; i++) await change('untied', `Untied ${i}`);
    // Changes made by action runs and workflow runs (none of which is about this entity, so
    // no run is on the page: each title comes from a run the page does not hold).
    await t.api('admin', 'POST', entities, { identifier: 'tied', title: 'Tied' });
    for (let i = 0; i < 6; i++) {
      const actionRun = await startRunAs(t, 'restart', { properties: {}, entity: 'orders' });
      await change('tied', `By action run ${i}`, actionRun);
      const started = await t.api('admin', 'POST', '/workflows/provision/runs', { inputs: {} });
      expect(started.status).toBe(201);
      await change('tied', `By workflow run ${i}`, started.body.workflowRun.identifier as string);
    }

    const untied = await page('untied', 'type=audit&limit=10');
    const tied = await page('tied', 'type=audit&limit=10');
    expect(untied.activity.every((a) => a.type === 'audit' && a.runTitle === null)).toBe(true);
    expect(
      tied.activity.map((a) => (a.type === 'audit' ? a.runTitle : a.type)).slice(0, 2),
    ).toEqual(['Provision', 'Restart']);
    expect(tied.queries).toBe(untied.queries);
    // The blueprint, the page's keys, its changes (with their runs' titles).
    expect(tied.queries).toBe(3);
    const small = await page('tied', 'type=audit&limit=2');
    expect(small.queries).toBe(tied.queries);
  });

  it('costs a fixed number of queries with every kind of item on it', async () => {
    await t.api('admin', 'POST', entities, { identifier: 'mixed', title: 'Mixed' });
    for (let i = 0; i < 5; i++) {
      const actionRun = await startRunAs(t, 'restart', { properties: {}, entity: 'mixed' });
      await change('mixed', `By action run ${i}`, actionRun);
      const started = await t.api('admin', 'POST', '/workflows/provision/runs', {
        inputs: {},
        entity: 'mixed',
      });
      await change('mixed', `By workflow run ${i}`, started.body.workflowRun.identifier as string);
    }
    const kinds = (p: { activity: ActivityItem[] }) => new Set(p.activity.map((a) => a.type));
    const few = await page('mixed', 'limit=4');
    const many = await page('mixed', 'limit=30');
    expect(kinds(few)).toEqual(new Set(['workflowRun', 'actionRun', 'audit']));
    expect(kinds(many)).toEqual(kinds(few));
    expect([few.activity.length, many.activity.length]).toEqual([4, 21]);
    expect(many.queries).toBe(few.queries);
    // The blueprint, the page's keys; workflow runs and their node runs; action runs; changes.
    expect(many.queries).toBe(6);
  });
});
