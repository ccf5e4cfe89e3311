import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityItem, AuditLogEntry } from '../../contract/entities';
import { deleteWorkflowRuns } from '../db/retention';
import { sweepRetention } from '../services/retention';
import { startTestServer, type TestServer } from '../test/harness';
import { createQuietWorkflow, startRun, workflowBody } from '../test/workflow-fixtures';
import { seedActionCatalog, startRunAs } from './action-runs.fixtures';

let now = Date.parse('2026-04-01T08:00:00Z');
let t: TestServer;
let runId: string;
beforeAll(async () => {
  t = await startTestServer({ clock: () => new Date((now += 1000)) });
  await seedActionCatalog(t);
  for (let i = 0; i < 6; i++) {
    await t.api('admin', 'POST', '/blueprints/microservice/entities', { identifier: `svc-${i}` });
  }
  runId = await startRunAs(t, 'restart', { properties: {}, entity: 'orders' });
  await t.api('admin', 'PATCH', `/blueprints/microservice/entities/svc-0?run_id=${runId}`, {
    title: 'Zero',
  });
  await t.api('admin', 'PATCH', `/actions/runs/${runId}`, { status: 'FAILURE' });
});
afterAll(async () => t.close());

async function audits(query: string, as: 'admin' | 'member' = 'admin') {
  const res = await t.api(as, 'GET', `/audit-log?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { audits: AuditLogEntry[]; nextCursor: string | null };
}

describe('GET /v1/audit-log', () => {
  it('lists entity changes and run status changes newest first', async () => {
    const { audits: all } = await audits('');
    const ats = all.map((a) => a.trigger.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    expect(all[0]).toMatchObject({
      resourceType: 'run',
      action: 'UPDATE',
      context: { runId, action: 'restart', entityIdentifier: 'orders' },
      diff: { before: { status: 'IN_PROGRESS' }, after: { status: 'FAILURE' } },
    });
  });

  it('filters by entity, blueprint, run, resource, action, identifier and time', async () => {
    expect((await audits('entity=svc-0')).audits.map((a) => a.action)).toEqual([
      'UPDATE',
      'CREATE',
    ]);
    const byRun = await audits(`run_id=${runId}`);
    expect(byRun.audits.map((a) => `${a.resourceType}:${a.action}`)).toEqual([
      'run:UPDATE',
      'entity:UPDATE',
      'run:CREATE',
    ]);
    const runsOnly = await audits('resources=run');
    expect(runsOnly.audits.every((a) => a.resourceType === 'run')).toBe(true);
    const creates = await audits('resources=entity&action=CREATE&blueprint=microservice');
    expect(creates.audits.map((a) => a.context.entityIdentifier)).toContain('svc-5');
    expect(creates.audits.every((a) => a.action === 'CREATE')).toBe(true);
    const one = creates.audits[0]!;
    expect((await audits(`identifier=${one.identifier}`)).audits).toEqual([one]);
    const window = await audits(
      `from=${encodeURIComponent(one.trigger.at)}&to=${encodeURIComponent(one.trigger.at)}`,
    );
    expect(window.audits).toEqual([one]);
  });

  it('pages by cursor and returns each entry exactly once', async () => {
    const { audits: all } = await audits('');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await audits(`limit=3${cursor ? `&cursor=${cursor}` : ''}`, 'member');
      seen.push(...page.audits.map((a) => a.identifier));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((a) => a.identifier));
  });

  it('rejects an unknown resource and a bad date with 422', async () => {
    expect((await t.api('admin', 'GET', '/audit-log?resources=webhook')).status).toBe(422);
    const bad = await t.api('admin', 'GET', '/audit-log?from=yesterday');
    expect(bad.status).toBe(422);
    expect(bad.body.message).toContain('query.from: must be an ISO 8601 date-time');
    const swapped = await t.api(
      'admin',
      'GET',
      '/audit-log?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    );
    expect(swapped.status).toBe(422);
    expect(swapped.body.message).toContain('is after to (2026-01-01T00:00:00Z); swap them');
  });
});

describe('[ext] the workflow of a workflow run’s entries', () => {
  it('names it in context (identifier and title as written), through a rename and a deletion', async () => {
    await createQuietWorkflow(t, 'deploy_service');
    await createQuietWorkflow(t, 'other_flow');
    const run = await startRun(t, 'deploy_service');
    const tie = await t.api(
      'admin',
      'PATCH',
      `/blueprints/microservice/entities/svc-1?run_id=${run.identifier}`,
      { title: 'One' },
    );
    expect(tie.status, JSON.stringify(tie.body)).toBe(200);
    const cancel = await t.api(
      'admin',
      'POST',
      `/workflows/runs/${run.identifier}/cancel?force=true`,
      {},
    );
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    await startRun(t, 'other_flow');
    // Renamed, then deleted: the entries keep the name the run had.
    const renamed = await t.api(
      'admin',
      'PUT',
      '/workflows/deploy_service',
      workflowBody('deploy_service', ['trigger'], [], { title: 'Renamed' }),
    );
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect((await t.api('admin', 'DELETE', '/workflows/deploy_service')).status).toBe(200);

    const named = { workflow: 'deploy_service', workflowTitle: 'Workflow deploy_service' };
    const { audits: ofRun } = await audits(`run_id=${run.identifier}`);
    expect(ofRun.map((a) => `${a.resourceType}:${a.action}`)).toEqual([
      'run:UPDATE',
      'entity:UPDATE',
      'run:CREATE',
    ]);
    for (const entry of ofRun) expect(entry.context).toMatchObject(named);
    // …and say the workflow is gone, so a reader need not link to its page.
    expect(ofRun.map((a) => a.workflowDeleted)).toEqual([true, true, true]);

    // The filter: this workflow's runs' entries only, for members as for admins.
    const { audits: byWorkflow } = await audits('workflow=deploy_service', 'member');
    expect(byWorkflow.map((a) => a.identifier)).toEqual(ofRun.map((a) => a.identifier));
    const { audits: other } = await audits('workflow=other_flow');
    expect(other).toHaveLength(1);
    expect(other[0]!.context).toMatchObject({
      workflow: 'other_flow',
      workflowTitle: 'Workflow other_flow',
    });
    expect(other[0]!.workflowDeleted).toBe(false);
    expect((await audits('workflow=no_such_flow')).audits).toEqual([]);

    // Entries of no workflow run name none: an action run's, an untied entity change's.
    const { audits: ofActionRun } = await audits(`run_id=${runId}`);
    expect(ofActionRun.every((a) => a.context.workflow === null)).toBe(true);
    expect(ofActionRun.every((a) => a.workflowDeleted === null)).toBe(true);
    const { audits: untied } = await audits('entity=svc-2');
    expect(untied[0]!.context).toMatchObject({ workflow: null, workflowTitle: null });
    expect(untied[0]!.workflowDeleted).toBeNull();
  });

  it('refuses a workflow filter longer than an identifier can be, naming it', async () => {
    const res = await t.api('admin', 'GET', `/audit-log?workflow=${'w'.repeat(201)}`);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ ok: false, error: 'invalid_request' });
    expect(res.body.message).toContain('query.workflow');
  });
});

describe('[ext] entries of a run that no longer exists', () => {
  const DAY = 86_400_000;
  let r: TestServer;
  beforeAll(async () => {
    r = await startTestServer({ app: { retentionDays: 30 } });
  });

  /** Moves a finished run and its entries back as if all of it happened 40 days ago. */
  async function age(run: string) {
    const at = new Date(Date.now() - 40 * DAY).toISOString();
    const db = r.database.db;
    await db.execute(sql`UPDATE workflow_runs SET created_at = ${at}, completed_at = ${at}
      WHERE identifier = ${run}`);
    await db.execute(sql`UPDATE action_runs SET created_at = ${at}, ended_at = ${at}
      WHERE id = ${run}`);
    await db.execute(sql`UPDATE audit_log SET at = ${at} WHERE run_id = ${run}`);
  }
  afterAll(async () => r.close());

  async function entriesOf(run: string) {
    const res = await r.api('admin', 'GET', `/audit-log?run_id=${run}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body as { audits: AuditLogEntry[] }).audits;
  }

  it('says the run is gone (runDeleted), and that retention removed it after RETENTION_DAYS', async () => {
    await seedActionCatalog(r);
    await createQuietWorkflow(r, 'expiring');
    for (const id of ['svc-gone', 'svc-live', 'svc-untied']) {
      await r.api('admin', 'POST', '/blueprints/microservice/entities', { identifier: id });
    }
    // A workflow run that changes an entity and finishes; an action run that ends; one left open.
    const expired = (await startRun(r, 'expiring')).identifier;
    const tie = (run: string, entity: string) =>
      r.api('admin', 'PATCH', `/blueprints/microservice/entities/${entity}?run_id=${run}`, {
        title: `by ${run}`,
      });
    expect((await tie(expired, 'svc-gone')).status).toBe(200);
    const cancel = await r.api('admin', 'POST', `/workflows/runs/${expired}/cancel?force=true`, {});
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    const actionRun = await startRunAs(r, 'restart', { properties: {}, entity: 'orders' });
    const ended = await r.api('admin', 'PATCH', `/actions/runs/${actionRun}`, {
      status: 'FAILURE',
    });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    const live = (await startRun(r, 'expiring')).identifier;
    expect((await tie(live, 'svc-live')).status).toBe(200);
    await r.api('admin', 'PATCH', '/blueprints/microservice/entities/svc-untied', { title: 'U' });

    // 40 days on, the retention sweep of a 30-day server deletes the two finished runs.
    await age(expired);
    await age(actionRun);
    const report = await sweepRetention(r.database.db, new Date(), { days: 30 });
    expect(report).toMatchObject({ workflowRuns: 1, actionRuns: 1 });
    expect((await r.api('admin', 'GET', `/workflows/runs/${expired}`)).status).toBe(404);

    const ofExpired = await entriesOf(expired);
    expect(ofExpired.map((a) => `${a.resourceType}:${a.action}`)).toEqual([
      'run:UPDATE',
      'entity:UPDATE',
      'run:CREATE',
    ]);
    for (const a of ofExpired) expect(a).toMatchObject({ runDeleted: true, runRetentionDays: 30 });
    for (const a of await entriesOf(actionRun)) {
      expect(a).toMatchObject({ runDeleted: true, runRetentionDays: 30 });
    }
    // A run still there: false; an entry of no run: null.
    for (const a of await entriesOf(live)) {
      expect(a).toMatchObject({ runDeleted: false, runRetentionDays: null });
    }
    const liveActionRun = await startRunAs(r, 'restart', { properties: {}, entity: 'orders' });
    const ofLiveActionRun = await entriesOf(liveActionRun);
    expect(ofLiveActionRun.length).toBeGreaterThan(0);
    for (const a of ofLiveActionRun) {
      expect(a).toMatchObject({ runDeleted: false, runRetentionDays: null });
    }
    const untied = await r.api('admin', 'GET', '/audit-log?entity=svc-untied');
    expect((untied.body as { audits: AuditLogEntry[] }).audits[0]).toMatchObject({
      runDeleted: null,
      runRetentionDays: null,
    });

    // The entity's activity says the same of the changes the runs made.
    const activity = async (entity: string) => {
      const res = await r.api(
        'admin',
        'GET',
        `/blueprints/microservice/entities/${entity}/activity`,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body as { activity: ActivityItem[] }).activity.filter((i) => i.type === 'audit');
    };
    // (the change the run made, moved back 40 days, after the entity's creation)
    expect(await activity('svc-gone')).toMatchObject([
      { runDeleted: null, runRetentionDays: null },
      { runDeleted: true, runRetentionDays: 30, runTitle: 'Workflow expiring' },
    ]);
    expect(await activity('svc-live')).toMatchObject([
      { runDeleted: false, runRetentionDays: null },
      { runDeleted: null },
    ]);
  });

  it('does not say retention removed a run whose entries are newer than RETENTION_DAYS', async () => {
    // A run gone for another reason (deleted as the sweep deletes, but while its entries are
    // recent): gone, the reason not known.
    const run = (await startRun(r, 'expiring')).identifier;
    await r.database.db.transaction((tx) => deleteWorkflowRuns(tx, [run]));
    for (const a of await entriesOf(run)) {
      expect(a).toMatchObject({ runDeleted: true, runRetentionDays: null });
    }
  });
});
