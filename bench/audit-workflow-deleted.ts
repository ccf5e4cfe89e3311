/**
 * What `GET /v1/audit-log`'s [ext] probes cost: `workflowDeleted` (one primary-key lookup in
 * `workflows` per entry) and `runDeleted` (one in `workflow_runs` or `action_runs` per entry of
 * a run, by the id's prefix), as `listAudit` runs them, against the same query without either
 * (the select before both, b4df470) and with `workflowDeleted` alone (eb4d5b2), alternating in
 * the same minutes.
 *
 *   npx tsx bench/audit-workflow-deleted.ts [runs=100000] [rounds=6]
 *
 * Seeds `runs` workflow runs over 50 workflows, 25 of which still exist (the others deleted),
 * 3 entries each (start, an entity change it made, its end) with their workflow recorded, and as
 * many entries of no workflow run (action runs'); half of the workflow runs and half of the
 * action runs still exist (retention took the others). Then times a page of 100 and of 1 000
 * entries, newest first, and a page of one workflow's entries.
 */
import { execSync } from 'node:child_process';
import { and, eq, getTableColumns } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { AuditQuery } from '../contract/entities';
import { listAudit, toAuditEntry } from '../server/db/audit';
import { exactAt, newestFirst } from '../server/db/cursor';
import { auditLog, workflows } from '../server/db/schema';
import { median, openBenchDatabase } from './support';

const RUNS = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 6);
const REPEATS = 15;

async function main() {
  const { db, close } = await openBenchDatabase('s18gone-bench-');
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
  // Half of the runs the entries name are still there (the odd ones: retention took the rest).
  await db.execute(sql`
    INSERT INTO workflow_runs (identifier, workflow_identifier, workflow_version, status,
      created_by, created_at, updated_at)
    SELECT 'wfr_' || lpad(g::text, 16, '0'), 'wf' || (g % 50), 1, 'COMPLETED', 'user_admin',
      now(), now()
    FROM generate_series(1, ${RUNS}, 2) g`);
  await db.execute(sql`
    INSERT INTO action_runs (id, action_identifier, status, source, properties, payload,
      required_approval, created_by, updated_by, created_at, updated_at)
    SELECT 'r_' || lpad(g::text, 16, '0'), 'deploy', 'SUCCESS', 'API', '{}', '{}', 'false',
      'user_admin', 'user_admin', now(), now()
    FROM generate_series(1, ${RUNS * 3}, 2) g`);
  await db.execute(sql`VACUUM ANALYZE`);
  console.log(
    `seeded ${RUNS * 6} audit entries (half of them of 50 workflows, 25 deleted; half of their runs gone)`,
  );

  /** The page as it was read before the field (server/db/audit.ts at b4df470). */
  const before = (query: AuditQuery) =>
    db
      .select({ ...getTableColumns(auditLog), cursorAt: exactAt(auditLog.at) })
      .from(auditLog)
      .where(and(query.workflow ? eq(auditLog.workflowIdentifier, query.workflow) : undefined))
      .orderBy(...newestFirst(auditLog.at, auditLog.seq))
      .limit(query.limit + 1)
      .then((rows) => rows.slice(0, query.limit).map(toAuditEntry));
  /** The page with workflowDeleted alone (server/db/audit.ts at eb4d5b2). */
  const workflowOnly = (query: AuditQuery) =>
    db
      .select({
        ...getTableColumns(auditLog),
        cursorAt: exactAt(auditLog.at),
        workflowDeleted: sql<boolean | null>`CASE WHEN ${auditLog.workflowIdentifier} IS NULL
          THEN NULL
          ELSE NOT EXISTS (SELECT 1 FROM ${workflows} WHERE ${workflows.identifier} = ${auditLog.workflowIdentifier})
          END`,
      })
      .from(auditLog)
      .where(and(query.workflow ? eq(auditLog.workflowIdentifier, query.workflow) : undefined))
      .orderBy(...newestFirst(auditLog.at, auditLog.seq))
      .limit(query.limit + 1)
      .then((rows) =>
        rows
          .slice(0, query.limit)
          .map(({ workflowDeleted, ...row }) => ({ ...toAuditEntry(row), workflowDeleted })),
      );
  /** Both probes, as the endpoint runs them now. */
  const after = (query: AuditQuery) =>
    listAudit(db, query, undefined, { days: 30, now: new Date() });
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
  const variants = [before, workflowOnly, after];
  const figures = queries.map(() => variants.map(() => [] as number[]));
  for (const [, q] of queries) for (const variant of variants) await variant(q);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [, q]] of queries.entries()) {
      // A different one goes first each round, so none always gets the warmer cache.
      for (let k = 0; k < variants.length; k++) {
        const v = (k + round) % variants.length;
        figures[i]![v]!.push(await time(() => variants[v]!(q)));
      }
    }
    console.log(`round ${round + 1}: ${execSync('uptime').toString().trim()}`);
  }
  const range = (xs: number[]) =>
    `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`.padStart(16);
  console.log(`\nmedian of ${REPEATS} a round, range over ${ROUNDS} rounds (ms):`);
  console.log(
    'page'.padEnd(20),
    'no probe'.padStart(16),
    'workflowDeleted'.padStart(16),
    '+ runDeleted'.padStart(16),
  );
  queries.forEach(([label], i) => console.log(label.padEnd(20), ...figures[i]!.map(range)));
  await close();
}

await main();
