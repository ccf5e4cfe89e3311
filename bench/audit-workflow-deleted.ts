/**
 * What `GET /v1/audit-log`'s [ext] `workflowDeleted` costs: the page's query with the probe
 * (one primary-key lookup in `workflows` per entry, as `listAudit` runs it) against the same
 * query without it (the select before the field), alternating in the same minutes.
 *
 *   npx tsx bench/audit-workflow-deleted.ts [runs=100000] [rounds=6]
 *
 * Seeds `runs` workflow runs over 50 workflows, 25 of which still exist (the others deleted),
 * 3 entries each (start, an entity change it made, its end) with their workflow recorded, and as
 * many entries of no workflow run (action runs'), then times a page of 100 and of 1 000 entries,
 * newest first, and a page of one workflow's entries.
 */
import { execSync } from 'node:child_process';
import { and, eq, getTableColumns } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { AuditQuery } from '../contract/entities';
import { listAudit, toAuditEntry } from '../server/db/audit';
import { exactAt, newestFirst } from '../server/db/cursor';
import { auditLog } from '../server/db/schema';
import { median, openBenchDatabase } from './support';

const RUNS = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 6);
const REPEATS = 15;

async function main() {
  const { db, close } = await openBenchDatabase('s18ux-bench-');
  await db.execute(sql`
    INSERT INTO workflows (identifier, title, nodes, connections, created_by, updated_by,
      created_at, updated_at)
    SELECT 'wf' || g, 'Workflow wf' || g, '[]', '[]', 'user_admin', 'user_admin', now(), now()
    FROM generate_series(0, 49, 2) g`);
  await db.execute(sql`
    INSERT INTO audit_log (identifier, action, resource_type, status, user_id, origin, at, run_id,
      blueprint_identifier, entity_identifier, workflow_identifier, workflow_title, diff)
    SELECT 'aud_' || k || lpad(g::text, 15, '0'),
      CASE k WHEN 1 THEN 'CREATE' ELSE 'UPDATE' END, CASE k WHEN 2 THEN 'entity' ELSE 'run' END,
      'SUCCESS', 'user_admin', 'API', now() - (g || ' seconds')::interval + (k || ' ms')::interval,
      'wfr_' || lpad(g::text, 16, '0'), CASE k WHEN 2 THEN 'service' END,
      CASE k WHEN 2 THEN 'svc-' || (g % 1000) END, 'wf' || (g % 50), 'Workflow wf' || (g % 50),
      '{"before": null, "after": {}}'
    FROM generate_series(1, ${RUNS}) g, generate_series(1, 3) k`);
  await db.execute(sql`
    INSERT INTO audit_log (identifier, action, resource_type, status, user_id, origin, at, run_id, diff)
    SELECT 'aud_9' || lpad(g::text, 15, '0'), 'UPDATE', 'run', 'SUCCESS', 'user_admin', 'API',
      now() - (g || ' seconds')::interval, 'r_' || lpad(g::text, 16, '0'), '{"before": null, "after": {}}'
    FROM generate_series(1, ${RUNS * 3}) g`);
  await db.execute(sql`VACUUM ANALYZE`);
  console.log(`seeded ${RUNS * 6} audit entries (half of them of 50 workflows, 25 deleted)`);

  /** The page as it was read before the field (server/db/audit.ts at b4df470). */
  const before = (query: AuditQuery) =>
    db
      .select({ ...getTableColumns(auditLog), cursorAt: exactAt(auditLog.at) })
      .from(auditLog)
      .where(and(query.workflow ? eq(auditLog.workflowIdentifier, query.workflow) : undefined))
      .orderBy(...newestFirst(auditLog.at, auditLog.seq))
      .limit(query.limit + 1)
      .then((rows) => rows.slice(0, query.limit).map(toAuditEntry));
  const after = (query: AuditQuery) =>
    listAudit(db, query, undefined, { days: null, now: new Date() });
  const time = async (run: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
    return median(times);
  };
  const queries: [string, AuditQuery][] = [
    ['newest 100', { limit: 100 } as AuditQuery],
    ['newest 1 000', { limit: 1000 } as AuditQuery],
    ['workflow=wf7, 100', { limit: 100, workflow: 'wf7' } as AuditQuery],
  ];
  const figures = queries.map(() => ({ before: [] as number[], after: [] as number[] }));
  for (const [, q] of queries) {
    await before(q);
    await after(q);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [, q]] of queries.entries()) {
      // Alternating which goes first, so neither always gets the warmer cache.
      const pair = [() => time(() => before(q)), () => time(() => after(q))] as const;
      if (round % 2 === 0) {
        figures[i]!.before.push(await pair[0]());
        figures[i]!.after.push(await pair[1]());
      } else {
        figures[i]!.after.push(await pair[1]());
        figures[i]!.before.push(await pair[0]());
      }
    }
    console.log(`round ${round + 1}: ${execSync('uptime').toString().trim()}`);
  }
  const range = (xs: number[]) =>
    `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`.padStart(13);
  console.log(`\nmedian of ${REPEATS} a round, range over ${ROUNDS} rounds (ms):`);
  console.log('page'.padEnd(20), 'before'.padStart(13), 'with probe'.padStart(13));
  queries.forEach(([label], i) =>
    console.log(label.padEnd(20), range(figures[i]!.before), range(figures[i]!.after)),
  );
  await close();
}

await main();
