import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness';
import { seedActionCatalog, startRunAs } from './action-runs.fixtures';

let t: TestServer;

/**
 * Rows written with SQL now() carry microseconds; these all fall into one millisecond, so a
 * cursor holding a JS Date (milliseconds only) would end every list after its first page.
 */
beforeAll(async () => {
  t = await startTestServer();
  await seedActionCatalog(t);
  for (let i = 0; i < 3; i++) await startRunAs(t, 'restart', { properties: {}, entity: 'orders' });
  await t.database.db.execute(sql`
    UPDATE action_runs r
    SET created_at = timestamptz '2026-01-01T00:00:00.0001Z' + n.i * interval '1 microsecond'
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS i FROM action_runs) n
    WHERE n.id = r.id`);
  await t.database.db.execute(sql`
    UPDATE audit_log a
    SET at = timestamptz '2026-01-01T00:00:00.0005Z' + n.i * interval '1 microsecond'
    FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS i FROM audit_log) n
    WHERE n.seq = a.seq`);
});
afterAll(async () => t.close());

/** Follows nextCursor one row at a time and returns the keys in the order served. */
async function pageByOne(path: string, items: (body: any) => { key: string }[]) {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await t.api(
      'admin',
      'GET',
      `${path}${sep}limit=1${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.status).toBe(200);
    seen.push(...items(res.body).map((i) => i.key));
    cursor = res.body.nextCursor;
  } while (cursor);
  return seen;
}

async function allAtOnce(path: string, items: (body: any) => { key: string }[]) {
  const sep = path.includes('?') ? '&' : '?';
  const res = await t.api('admin', 'GET', `${path}${sep}limit=100`);
  expect(res.status).toBe(200);
  return items(res.body).map((i) => i.key);
}

describe('keyset cursors keep microseconds', () => {
  it('pages action runs created within one millisecond without skipping any', async () => {
    const runs = (b: { runs: { id: string }[] }) => b.runs.map((r) => ({ key: r.id }));
    const all = await allAtOnce('/actions/runs', runs);
    expect(all).toHaveLength(3);
    expect(await pageByOne('/actions/runs', runs)).toEqual(all);
  });

  it('pages the audit log written within one millisecond without skipping any', async () => {
    const audits = (b: { audits: { identifier: string }[] }) =>
      b.audits.map((a) => ({ key: a.identifier }));
    const all = await allAtOnce('/audit-log', audits);
    expect(all.length).toBeGreaterThan(3);
    expect(await pageByOne('/audit-log', audits)).toEqual(all);
  });

  it("pages an entity's activity within one millisecond without skipping any", async () => {
    const activity = (b: {
      activity: { type: string; item: { id?: string; identifier?: string } }[];
    }) => b.activity.map((a) => ({ key: `${a.type}:${a.item.id ?? a.item.identifier}` }));
    const path = '/blueprints/microservice/entities/orders/activity';
    const all = await allAtOnce(path, activity);
    expect(all.filter((k) => k.startsWith('actionRun:'))).toHaveLength(3);
    expect(all.filter((k) => k.startsWith('audit:')).length).toBeGreaterThan(0);
    expect(await pageByOne(path, activity)).toEqual(all);
  });
});
