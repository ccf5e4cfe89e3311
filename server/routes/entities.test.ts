import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityItem } from '../../contract/entities';
import { startTestServer, type TestServer } from '../test/harness';
import { createQuietWorkflow } from '../test/workflow-fixtures';
import { seedActionCatalog, startRunAs } from './action-runs.fixtures';

// Every request reads the clock, so each write gets its own time and "newest first" is exact.
let now = Date.parse('2026-03-01T10:00:00Z');
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ clock: () => new Date((now += 1000)) });
  await seedActionCatalog(t);
  await createQuietWorkflow(t, 'provision', { title: 'Provision' });
});
afterAll(async () => t.close());

const path = (id = '') => `/blueprints/microservice/entities${id ? `/${id}` : ''}`;

describe('entity writes', () => {
  it('creates, refuses a duplicate without upsert, replaces or merges with it', async () => {
    const body = { identifier: 'billing', title: 'Billing', properties: { region: 'eu', tier: 1 } };
    expect((await t.api('member', 'POST', path(), body)).status).toBe(201);
    const dup = await t.api('member', 'POST', path(), body);
    expect(dup.status).toBe(409);
    expect(dup.body.error).toBe('conflict');

    const merged = await t.api('member', 'POST', `${path()}?upsert=true&merge=true`, {
      identifier: 'billing',
      properties: { tier: 2 },
    });
    expect(merged.status).toBe(201);
    expect(merged.body.entity.properties).toEqual({ region: 'eu', tier: 2 });

    const replaced = await t.api('member', 'POST', `${path()}?upsert=true`, {
      identifier: 'billing',
      title: 'Billing v2',
      properties: { tier: 3 },
    });
    expect(replaced.body.entity).toMatchObject({ title: 'Billing v2', properties: { tier: 3 } });
  });

  it('replaces with PUT, merges with PATCH, deletes with DELETE', async () => {
    await t.api('admin', 'POST', path(), { identifier: 'ledger', properties: { a: 1, b: 2 } });
    const put = await t.api('admin', 'PUT', path('ledger'), {
      title: 'Ledger',
      properties: { a: 9 },
    });
    expect(put.status).toBe(200);
    expect(put.body.entity).toMatchObject({ title: 'Ledger', properties: { a: 9 } });
    const patch = await t.api('admin', 'PATCH', path('ledger'), { properties: { c: 3 } });
    expect(patch.body.entity).toMatchObject({ title: 'Ledger', properties: { a: 9, c: 3 } });
    const mismatch = await t.api('admin', 'PUT', path('ledger'), { identifier: 'other' });
    expect(mismatch.status).toBe(422);

    const del = await t.api('admin', 'DELETE', path('ledger'));
    expect(del).toMatchObject({ status: 200, body: { ok: true } });
    expect((await t.api('admin', 'GET', path('ledger'))).status).toBe(404);
    expect((await t.api('admin', 'DELETE', path('ledger'))).status).toBe(404);

    const audits = await t.api('admin', 'GET', '/audit-log?entity=ledger&blueprint=microservice');
    expect(audits.body.audits.map((a: { action: string }) => a.action)).toEqual([
      'DELETE',
      'UPDATE',
      'UPDATE',
      'CREATE',
    ]);
    expect(audits.body.audits[0].diff).toMatchObject({
      before: { identifier: 'ledger', properties: { a: 9, c: 3 } },
      after: null,
    });
  });

  it('lists the entities of a blueprint and 404s for an unknown blueprint', async () => {
    const list = await t.api('member', 'GET', path());
    expect(list.body.entities.map((e: { identifier: string }) => e.identifier)).toContain('orders');
    expect((await t.api('member', 'GET', '/blueprints/nope/entities')).status).toBe(404);
    const write = await t.api('member', 'POST', '/blueprints/nope/entities', { identifier: 'x' });
    expect(write.status).toBe(404);
  });

  it('validates run_id and the body', async () => {
    const badRun = await t.api('admin', 'POST', `${path()}?run_id=run-1`, { identifier: 'x' });
    expect(badRun.status).toBe(422);
    expect(badRun.body.message).toContain('query.run_id');
    // Port's entity body is open: unknown keys are accepted and ignored.
    const extra = await t.api('admin', 'POST', path(), { identifier: 'x', colour: 'red' });
    expect(extra.status).toBe(201);
    expect(extra.body.entity).not.toHaveProperty('colour');
    const badBody = await t.api('admin', 'POST', path(), { identifier: 'y', properties: 'red' });
    expect(badBody.status).toBe(422);
  });
});

describe('entity writes tied to a run', () => {
  it('ties every kind of change to an action run and logs each in the run', async () => {
    const runId = await startRunAs(t, 'restart', { properties: {}, entity: 'orders' });
    const q = `?run_id=${runId}`;
    expect((await t.api('admin', 'POST', `${path()}${q}`, { identifier: 'tmp' })).status).toBe(201);
    expect((await t.api('admin', 'PUT', `${path('tmp')}${q}`, { title: 'Tmp' })).status).toBe(200);
    expect(
      (await t.api('admin', 'PATCH', `${path('orders')}${q}`, { title: 'Orders 2' })).status,
    ).toBe(200);
    expect((await t.api('admin', 'DELETE', `${path('tmp')}${q}`)).status).toBe(200);
    const logs = await t.api('member', 'GET', `/actions/runs/${runId}/logs`);
    expect(logs.body.runLogs.map((l: { message: string }) => l.message)).toEqual([
      'entity microservice/tmp created',
      'entity microservice/tmp updated',
      'entity microservice/orders updated',
      'entity microservice/tmp deleted',
    ]);
    const audits = await t.api('member', 'GET', `/audit-log?run_id=${runId}&resources=entity`);
    expect(audits.body.audits).toHaveLength(4);
  });

  it('relates the entity a CREATE action’s run creates to that run', async () => {
    const runId = await startRunAs(t);
    await t.api('admin', 'POST', `${path()}?run_id=${runId}`, { identifier: 'fresh' });
    const run = await t.api('member', 'GET', `/actions/runs/${runId}`);
    expect(run.body.run).toMatchObject({
      entity: { identifier: 'fresh' },
      relatedEntityExists: true,
    });
  });

  it('refuses writes tied to a run waiting for approval', async () => {
    await t.api('admin', 'POST', '/actions', {
      identifier: 'approve_me',
      title: 'Approve me',
      blueprint: 'microservice',
      trigger: { operation: 'CREATE' },
      requiredApproval: true,
    });
    const runId = await startRunAs(t, 'approve_me', { properties: {} });
    const res = await t.api('admin', 'POST', `${path()}?run_id=${runId}`, { identifier: 'early' });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('run_exhausted');
    expect((await t.api('admin', 'GET', path('early'))).status).toBe(404);
  });

  it('ties a change to an in-progress workflow run and logs it on the working node run', async () => {
    const started = await t.api('member', 'POST', '/workflows/provision/runs', {
      inputs: {},
      entity: 'orders',
    });
    const wfr = started.body.workflowRun.identifier as string;
    const res = await t.api('admin', 'POST', `${path()}?run_id=${wfr}`, { identifier: 'wf-made' });
    expect(res.status).toBe(201);
    const logs = await t.api('member', 'GET', `/workflows/runs/${wfr}/logs`);
    expect(logs.body.logs).toEqual([
      expect.objectContaining({ logLevel: 'INFO', log: 'entity microservice/wf-made created' }),
    ]);
    const work = started.body.workflowRun.nodeRuns.find(
      (n: { nodeIdentifier: string }) => n.nodeIdentifier === 'work',
    );
    expect(logs.body.logs[0].nodeRunIdentifier).toBe(work.identifier);
    const audits = await t.api('member', 'GET', `/audit-log?run_id=${wfr}`);
    expect(audits.body.audits[0].context).toMatchObject({
      runId: wfr,
      entityIdentifier: 'wf-made',
    });

    await t.api('admin', 'PATCH', `/workflows/nodes/runs/${work.identifier}`, {
      status: 'COMPLETED',
      result: 'SUCCESS',
    });
    const late = await t.api('admin', 'PATCH', `${path('wf-made')}?run_id=${wfr}`, {
      title: 'late',
    });
    expect(late.status).toBe(422);
    expect(late.body.error).toBe('run_exhausted');
    expect((await t.api('admin', 'GET', path('wf-made'))).body.entity.title).toBeNull();
    const unknown = await t.api('admin', 'POST', `${path()}?run_id=wfr_0000000000000000`, {
      identifier: 'nope',
    });
    expect(unknown.status).toBe(404);
  });
});

describe('entity activity', () => {
  it('merges workflow runs, action runs and audit entries newest first, paged exactly once', async () => {
    await t.api('admin', 'POST', path(), { identifier: 'feed', title: 'Feed' });
    const wf = await t.api('member', 'POST', '/workflows/provision/runs', {
      inputs: {},
      entity: 'feed',
    });
    const ar = await startRunAs(t, 'restart', { properties: {}, entity: 'feed' });
    await t.api('admin', 'POST', `/actions/runs/${ar}/logs`, { message: 'careful', level: 'WARN' });
    await t.api('admin', 'PATCH', `${path('feed')}?run_id=${ar}`, { title: 'Feed 2' });
    const hidden = await startRunAs(
      t,
      'secret_restart',
      { properties: {}, entity: 'feed' },
      'admin',
    );

    const all = await t.api('admin', 'GET', `${path('feed')}/activity`);
    expect(all.status).toBe(200);
    expect(all.body.activity.map((a: { type: string }) => a.type)).toEqual([
      'actionRun',
      'audit',
      'actionRun',
      'workflowRun',
      'audit',
    ]);
    expect(all.body.activity[0].item.id).toBe(hidden);
    expect(all.body.activity[2].item).toMatchObject({
      id: ar,
      action: { identifier: 'restart' },
      logCounts: { WARN: 1, ERROR: 0 },
    });
    expect(all.body.activity[1].item).toMatchObject({
      action: 'UPDATE',
      // The change names its action run's action, as the run's own entries do.
      context: { runId: ar, entityIdentifier: 'feed', action: 'restart' },
    });
    // The change's run by its action's name, whether or not the run is on the same page.
    expect(all.body.activity[1].runTitle).toBe('Restart');
    expect(all.body.activity[4].runTitle).toBeNull();
    const changesOnly = await t.api('admin', 'GET', `${path('feed')}/activity?type=audit&limit=1`);
    expect(changesOnly.body.activity[0].runTitle).toBe('Restart');
    expect(all.body.activity[3].item).toMatchObject({
      identifier: wf.body.workflowRun.identifier,
      logCounts: { WARN: 0, ERROR: 0 },
    });
    const ats = all.body.activity.map((a: { at: string }) => a.at);
    expect([...ats].sort().reverse()).toEqual(ats);

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const res = await t.api('member', 'GET', `${path('feed')}/activity?limit=2${query}`);
      expect(res.body.activity.length).toBeLessThanOrEqual(2);
      paged.push(...res.body.activity.map((a: { at: string; type: string }) => a.at + a.type));
      cursor = res.body.nextCursor;
    } while (cursor);
    // The member sees everything but the run of an action whose runs are private.
    expect(paged).toEqual(
      all.body.activity.slice(1).map((a: { at: string; type: string }) => a.at + a.type),
    );
    // Once the action run is gone (as retention deletes it), the change still names it, by the
    // action its entry recorded.
    await t.database.db.execute(sql`DELETE FROM action_runs WHERE id = ${ar}`);
    const afterExpiry = await t.api('admin', 'GET', `${path('feed')}/activity?type=audit`);
    const change = afterExpiry.body.activity.find(
      (a: { item: { context: { runId: string | null } } }) => a.item.context.runId === ar,
    );
    expect(change.runTitle).toBe('Restart');
  });

  it('filters by type and status on the server, so a page holds only what was asked for', async () => {
    await t.api('admin', 'POST', path(), { identifier: 'filtered', title: 'Filtered' });
    const start = async () =>
      (
        await t.api('member', 'POST', '/workflows/provision/runs', {
          inputs: {},
          entity: 'filtered',
        })
      ).body.workflowRun.identifier as string;
    const ok = await start();
    const bad = await start();
    const live = await start();
    for (const [wfr, result] of [
      [ok, 'SUCCESS'],
      [bad, 'FAILED'],
    ]) {
      const done = await t.api('admin', 'POST', `/workflows/runs/${wfr}/complete`, {
        result,
        reason: 'Checked by hand',
      });
      expect(done.status).toBe(200);
    }
    const waiting = await startRunAs(t, 'restart', { properties: {}, entity: 'filtered' });
    const failed = await startRunAs(t, 'restart', { properties: {}, entity: 'filtered' });
    expect(
      (await t.api('admin', 'PATCH', `/actions/runs/${failed}`, { status: 'FAILURE' })).status,
    ).toBe(200);
    await t.api('admin', 'PATCH', `${path('filtered')}`, { title: 'Filtered 2' });
    // A change tied to a workflow run names it as the feed's row of that run does.
    const byRun = await t.api('admin', 'PATCH', `${path('filtered')}?run_id=${live}`, {
      title: 'Filtered 3',
    });
    expect(byRun.status).toBe(200);

    const ids = async (query: string) => {
      const res = await t.api('admin', 'GET', `${path('filtered')}/activity?${query}`);
      expect(res.status).toBe(200);
      return res.body.activity.map((a: ActivityItem) =>
        a.type === 'workflowRun'
          ? a.item.identifier
          : a.type === 'actionRun'
            ? a.item.id
            : a.item.action,
      );
    };
    expect(await ids('status=in-progress')).toEqual([waiting, live]);
    expect(await ids('status=success')).toEqual([ok]);
    expect(await ids('status=failed')).toEqual([failed, bad]);
    expect(await ids('type=workflowRun')).toEqual([live, bad, ok]);
    expect(await ids('type=actionRun&status=failed')).toEqual([failed]);
    expect(await ids('type=audit')).toEqual(['UPDATE', 'UPDATE', 'CREATE']);
    const run = (await t.api('admin', 'GET', `/workflows/runs/${live}`)).body.workflowRun;
    const changes = await t.api('admin', 'GET', `${path('filtered')}/activity?type=audit`);
    expect(changes.body.activity.map((a: { runTitle: string | null }) => a.runTitle)).toEqual([
      run.title ?? run.workflowIdentifier,
      null,
      null,
    ]);
    // Once the run is gone (as retention deletes it), the change still names it by the workflow
    // its entry recorded.
    await t.database.db.execute(sql`DELETE FROM workflow_runs WHERE identifier = ${live}`);
    const afterExpiry = await t.api('admin', 'GET', `${path('filtered')}/activity?type=audit`);
    expect(afterExpiry.body.activity.map((a: { runTitle: string | null }) => a.runTitle)).toEqual([
      run.title ?? run.workflowIdentifier,
      null,
      null,
    ]);
    // Changes have no status.
    expect(await ids('type=audit&status=success')).toEqual([]);
    // A page of one is full of what was asked for, however many other items are newer.
    const first = await t.api(
      'admin',
      'GET',
      `${path('filtered')}/activity?status=success&limit=1`,
    );
    expect(first.body.activity.map((a: ActivityItem) => a.type)).toEqual(['workflowRun']);
    expect(first.body.nextCursor).toBeNull();

    const wrong = await t.api('admin', 'GET', `${path('filtered')}/activity?status=done`);
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ ok: false, message: expect.stringContaining('status') });
  });
});
