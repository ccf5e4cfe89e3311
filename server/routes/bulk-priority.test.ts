import { readFileSync } from 'node:fs';
import { and, desc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRows, type Db } from '../db/client';
import { logKeysOf, logOwner, selectLogLines } from '../db/workflow-runs';
import { logLines } from '../db/schema';
import { linesIn } from '../db/log-blocks';
import { analyzeNewLogPartitions, sealLogChunks } from '../services/log-chunks';
import { freshDatabase, startTestServer, type TestServer } from '../test/harness';
import { until } from '../test/until';
import { createLinearWorkflow, nodeRunOf, startRun } from '../test/workflow-fixtures';

// Bulk work (the log ingest's writes, the sealer, retention) runs on PostgreSQL backends of lower
// CPU priority on a PostgreSQL on this machine (client.ts `bulkNice`), so reads get the cores
// first. The test's PostgreSQL runs here too, so its backends' niceness is in /proc.

/** A process's niceness: field 19 of /proc/<pid>/stat (after the command name in parentheses). */
function niceOf(pid: number) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

async function backendNice(db: Db) {
  const [row] = await selectRows<{ pid: number }>(db, sql`SELECT pg_backend_pid() AS pid`);
  return niceOf(row!.pid);
}

/** The niceness of this database's sessions, by the pool that opened them (application_name). */
async function niceByPool(db: Db) {
  const rows = await selectRows<{ pid: number; name: string }>(
    db,
    sql`SELECT pid, application_name AS name FROM pg_stat_activity
        WHERE datname = current_database() AND backend_type = 'client backend'`,
  );
  const byPool = new Map<string, number[]>();
  for (const { pid, name } of rows) byPool.set(name, [...(byPool.get(name) ?? []), niceOf(pid)]);
  return byPool;
}

let t: TestServer;
let basePriority: number;
beforeAll(async () => {
  t = await startTestServer({ withoutDispatcher: true, bulkNice: 10 });
  await createLinearWorkflow(t, 'bulk');
  // What PostgreSQL's backends run at when nobody changes it (inherited from the postmaster).
  basePriority = await backendNice(t.database.db);
});
afterAll(async () => t.close());

describe('bulk work at a lower CPU priority', () => {
  it('writes POSTed log lines on backends of raised niceness, and answers reads on others', async () => {
    expect(basePriority).toBeLessThan(10);
    const run = await startRun(t, 'bulk');
    const node = nodeRunOf(run, 'work').identifier;
    const logs = Array.from({ length: 100 }, (_, k) => ({ level: 'INFO', message: `line ${k}` }));
    const posts = await Promise.all(
      [0, 1, 2, 3].map(() =>
        t.api('admin', 'POST', `/workflows/nodes/runs/${node}/logs`, { logs }),
      ),
    );
    expect(posts.map((p) => p.status)).toEqual([201, 201, 201, 201]);
    const read = await t.api('admin', 'GET', `/workflows/nodes/runs/${node}/logs?limit=1000`);
    expect(read.body.logs).toHaveLength(400);

    const byPool = await niceByPool(t.database.db);
    // The ingest's connections stay open in their pool: their backends run at niceness 10.
    expect(byPool.get('runboard-bulk')?.length).toBeGreaterThan(0);
    expect(byPool.get('runboard-bulk')).toEqual(byPool.get('runboard-bulk')!.map(() => 10));
    // The polls' pool and the main one were left as PostgreSQL started them.
    expect(byPool.get('runboard-reads')?.length).toBeGreaterThan(0);
    for (const pool of ['runboard-reads', 'runboard']) {
      expect(byPool.get(pool)).toEqual(byPool.get(pool)!.map(() => basePriority));
    }
  });

  it('runs the log sealer on the bulk pool at that niceness', async () => {
    expect(await backendNice(t.database.bulk)).toBe(10);
    expect(await sealLogChunks(t.database.bulk)).toMatchObject({ skipped: false });
    expect(await backendNice(t.database.reads)).toBe(basePriority);
  });

  it('leaves every backend as it is without bulkNice (a DATABASE_URL)', async () => {
    const remote = await freshDatabase();
    try {
      expect(await backendNice(remote.bulk)).toBe(basePriority);
    } finally {
      await remote.close();
    }
  });
});

describe('log partitions analyzed once they hold lines', () => {
  it('plans a log tail on its blocks once the sealer has analyzed the new partition', async () => {
    const run = await startRun(t, 'bulk');
    const node = nodeRunOf(run, 'work').identifier;
    const logs = Array.from({ length: 1000 }, (_, k) => ({ level: 'INFO', message: `line ${k}` }));
    for (let k = 0; k < 20; k++) {
      const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${node}/logs`, { logs });
      expect(res.status).toBe(201);
    }
    // The statistics PostgreSQL keeps of changed rows reach its views within a second or so.
    const analyzed = await until(
      'the sealer analyzed the partition',
      async () => {
        const names = await analyzeNewLogPartitions(t.database.bulk);
        return names.length > 0 && names;
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    expect(analyzed).toHaveLength(1);
    // The tail page's query (db/workflow-runs.ts readLogPage): with the partition's statistics
    // it picks the blocks holding the last 200 lines by their bounds, not a bitmap of all 20.
    const keys = await logKeysOf(t.database.db, { nodeRun: node });
    const tail = selectLogLines(t.database.db)
      .where(and(logOwner(keys), linesIn(true, 19_800, 20_000)))
      .orderBy(desc(logLines.seq))
      .limit(200)
      .toSQL();
    const plan = await selectRows<{ 'QUERY PLAN': string }>(
      t.database.db,
      sql.raw(
        `EXPLAIN ${tail.sql.replace(/\$(\d+)/g, (_, n: string) => String(Number(tail.params[Number(n) - 1])))}`,
      ),
    );
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    // The blocks are chosen on their own columns, before their lines are unnested (an index
    // range, or on 20 blocks a scan of their three heap pages: the lines are in TOAST).
    expect(text).toMatch(
      /on log_blocks_\w+ b[^\n]*\n\s+(Filter|Index Cond): \([^\n]*first_seq > 15705\)[^\n]*last_seq >= 19801/,
    );
    expect(text).not.toContain('Bitmap');
    // Once analyzed, a partition is left to autovacuum.
    expect(await analyzeNewLogPartitions(t.database.bulk)).toEqual([]);
  });
});
