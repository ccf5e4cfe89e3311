import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../contract/entities';
import { startTestServer, type TestServer } from '../test/harness';
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
  return res.body as { audits: AuditEntry[]; nextCursor: string | null };
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
