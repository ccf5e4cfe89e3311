import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness';
import { seedActionCatalog, startRunAs } from './action-runs.fixtures';

let t: TestServer;
const ids: string[] = [];
let created: string;

beforeAll(async () => {
  t = await startTestServer();
  await seedActionCatalog(t);
  for (let i = 0; i < 12; i++) {
    const as = i % 3 ? 'member' : 'admin';
    ids.push(await startRunAs(t, 'restart', { properties: { i }, entity: 'orders' }, as));
  }
  created = await startRunAs(t);
  await t.api('admin', 'PATCH', `/actions/runs/${ids[0]}`, {
    status: 'SUCCESS',
    externalRunId: 'gh-42',
  });
});
afterAll(async () => t.close());

const idsOf = (res: { body: { runs: { id: string }[] } }) => res.body.runs.map((r) => r.id);

describe('listing action runs', () => {
  it('pages newest first by cursor and returns each run exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const res = await t.api('member', 'GET', `/actions/runs?limit=5${query}`);
      expect(res.status).toBe(200);
      expect(res.body.runs.length).toBeLessThanOrEqual(5);
      seen.push(...idsOf(res));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(13);
    expect(new Set(seen)).toEqual(new Set([...ids, created]));
    expect(seen[0]).toBe(created);
  });

  it('keeps paging stable while new runs arrive', async () => {
    const first = await t.api('admin', 'GET', '/actions/runs?limit=4');
    const newcomer = await startRunAs(t);
    const rest = await t.api('admin', 'GET', `/actions/runs?cursor=${first.body.nextCursor}`);
    const all = [...idsOf(first), ...idsOf(rest)];
    expect(all).not.toContain(newcomer);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(13);
  });

  it('filters by entity, blueprint, action, active, user, external run id and source', async () => {
    const byEntity = await t.api(
      'admin',
      'GET',
      '/actions/runs?entity=orders&blueprint=microservice',
    );
    expect(new Set(idsOf(byEntity))).toEqual(new Set(ids));
    const byAction = await t.api('admin', 'GET', '/actions/runs?action=restart');
    expect(idsOf(byAction)).toHaveLength(12);
    const active = await t.api('admin', 'GET', '/actions/runs?active=true&action=restart');
    expect(new Set(idsOf(active))).toEqual(new Set(ids.slice(1)));
    const byEmail = await t.api('admin', 'GET', '/actions/runs?user_email=admin@runboard.dev');
    expect(idsOf(byEmail)).toHaveLength(4);
    const byUserId = await t.api(
      'admin',
      'GET',
      '/actions/runs?user_id=user_member&action=restart',
    );
    expect(idsOf(byUserId)).toHaveLength(8);
    const byExternal = await t.api('admin', 'GET', '/actions/runs?external_run_id=gh-42');
    expect(idsOf(byExternal)).toEqual([ids[0]]);
    const bySource = await t.api('admin', 'GET', '/actions/runs?source=UI&source=AUTOMATION');
    expect(bySource.body.runs).toEqual([]);
    const v2 = await t.api('admin', 'GET', `/actions/runs?external_run_id=gh-42&version=v2`);
    expect(v2.body.runs[0].action).toMatchObject({ identifier: 'restart' });
  });

  it('filters by status ([ext], repeatable): the runs waiting for approval', async () => {
    await t.api('admin', 'POST', '/actions', {
      identifier: 'guarded',
      title: 'Guarded',
      blueprint: 'microservice',
      trigger: { operation: 'DAY-2' },
      requiredApproval: true,
    });
    const guarded = await startRunAs(t, 'guarded', { properties: {}, entity: 'orders' });
    const waiting = await t.api('member', 'GET', '/actions/runs?status=WAITING_FOR_APPROVAL');
    expect(waiting.status).toBe(200);
    expect(idsOf(waiting)).toEqual([guarded]);
    const done = await t.api('admin', 'GET', '/actions/runs?status=SUCCESS');
    expect(idsOf(done)).toEqual([ids[0]]);
    const either = await t.api(
      'admin',
      'GET',
      '/actions/runs?status=SUCCESS&status=WAITING_FOR_APPROVAL',
    );
    expect(new Set(idsOf(either))).toEqual(new Set([ids[0], guarded]));
  });

  it("filters by start time ([ext] from/to, the audit log's date range)", async () => {
    const run = (await t.api('admin', 'GET', `/actions/runs/${ids[5]}`)).body.run;
    const at = encodeURIComponent(run.createdAt);
    const exact = await t.api('member', 'GET', `/actions/runs?from=${at}&to=${at}`);
    expect(exact.status).toBe(200);
    expect(idsOf(exact)).toEqual([ids[5]]);
    const since = await t.api('admin', 'GET', `/actions/runs?from=${at}`);
    expect(idsOf(since)).toContain(created);
    expect(idsOf(since)).not.toContain(ids[4]);
    const until = await t.api('admin', 'GET', `/actions/runs?to=${at}`);
    expect(new Set(idsOf(until))).toEqual(new Set(ids.slice(0, 6)));
  });

  it('tells swapped or unreadable dates apart from an empty answer (422 with what to do)', async () => {
    const swapped = await t.api(
      'admin',
      'GET',
      '/actions/runs?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    );
    expect(swapped.status).toBe(422);
    expect(swapped.body).toMatchObject({ ok: false, error: 'invalid_request' });
    expect(swapped.body.message).toContain('query.from: 2026-02-01T00:00:00Z is after to');
    expect(swapped.body.message).toContain('swap them');
    const unreadable = await t.api('admin', 'GET', '/actions/runs?to=yesterday');
    expect(unreadable.status).toBe(422);
    expect(unreadable.body.message).toContain('query.to: must be an ISO 8601 date-time');
  });

  it('rejects a bad filter value and a forged cursor with 422', async () => {
    expect((await t.api('admin', 'GET', '/actions/runs?limit=0')).status).toBe(422);
    expect((await t.api('admin', 'GET', '/actions/runs?status=DONE')).status).toBe(422);
    expect((await t.api('admin', 'GET', '/actions/runs?source=EMAIL')).status).toBe(422);
    const forged = await t.api('admin', 'GET', '/actions/runs?cursor=nonsense');
    expect(forged.status).toBe(422);
    expect(forged.body.message).toContain('cursor');
  });
});
