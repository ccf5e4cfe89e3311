import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine, WorkflowRun } from '../../contract/workflows';
import { selectRows } from '../db/client';
import { roleToken, startTestServer, type TestServer } from '../test/harness';
import {
  createWorkflow,
  nodeRunOf,
  patchNode,
  startRun,
  workflowBody,
} from '../test/workflow-fixtures';

// A whole run's log is read by run_seq through the run's segments (db/log-segments.ts), not an
// index of every line: every way of reading it must answer what the stored lines say, in run
// order, for node runs whose batches interleave.
let t: TestServer;
let adminAuth: string;
beforeAll(async () => {
  t = await startTestServer({ withoutDispatcher: true });
  await createWorkflow(
    t,
    workflowBody(
      'runlog',
      [
        'trigger',
        { identifier: 'a', type: 'KAFKA' },
        { identifier: 'b', type: 'KAFKA' },
        { identifier: 'c', type: 'KAFKA' },
      ],
      [
        ['trigger', 'a'],
        ['trigger', 'b'],
        ['trigger', 'c'],
      ],
    ),
  );
  adminAuth = await roleToken(t.baseUrl, 'admin');
});
afterAll(async () => t.close());

const LEVELS = ['DEBUG', 'INFO', 'INFO', 'WARN', 'INFO', 'ERROR', 'DEBUG'] as const;

interface Stored {
  runSeq: number;
  nodeRun: string;
  level: string;
  message: string;
}

/** The run's lines as stored, in run order: what every read is compared with. */
function storedLines(run: string) {
  return selectRows<Stored>(
    t.database.db,
    sql`SELECT l.run_seq AS "runSeq", n.identifier AS "nodeRun", l.level, l.message
        FROM log_lines l JOIN node_runs n ON n.log_key = l.node_key
        WHERE l.run_key = (SELECT log_key FROM workflow_runs WHERE identifier = ${run})
        ORDER BY l.run_seq`,
  );
}

/**
 * A run of three node runs whose lines interleave: rounds of concurrent requests of 1–37 lines
 * (the ingest writes several requests' batches in one statement), a lone request now and then
 * (consecutive batches of one node run), lines sent with a PATCH, then with a completion.
 */
async function interleavedRun() {
  const run: WorkflowRun = await startRun(t, 'runlog');
  const nodes = ['a', 'b', 'c'].map((n) => nodeRunOf(run, n).identifier);
  let i = 0;
  const lines = (n: number, node: string) =>
    Array.from({ length: n }, () => {
      const k = i++;
      return {
        level: LEVELS[k % LEVELS.length]!,
        message: `${node} line ${k}${k % 11 === 0 ? ' needle' : ''}`,
      };
    });
  const post = async (node: string, n: number) => {
    const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${node}/logs`, {
      logs: lines(n, node),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  for (let round = 0; round < 12; round++) {
    await Promise.all(nodes.map((node, k) => post(node, 1 + ((round * 7 + k * 13) % 37))));
    if (round % 3 === 0) {
      await post(nodes[round % 3]!, 5);
      await post(nodes[round % 3]!, 3);
    }
    if (round === 5) {
      const patched = await patchNode(t, nodes[1]!, {
        logs: lines(4, nodes[1]!).map((l) => ({ logLevel: l.level, log: l.message })),
      });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    }
  }
  // Lines sent with a completion go with the report (db/log-batches.ts appendLogBatches).
  const done = await patchNode(t, nodes[2]!, {
    status: 'COMPLETED',
    result: 'SUCCESS',
    logs: lines(3, nodes[2]!).map((l) => ({ logLevel: l.level, log: l.message })),
  });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  await Promise.all(nodes.slice(0, 2).map((node) => post(node, 6)));
  return { run: run.identifier, nodes, stored: await storedLines(run.identifier) };
}

interface Page {
  logs: LogLine[];
  nextCursor: string | null;
  total?: number;
}

async function runPage(run: string, query: string): Promise<Page> {
  const res = await t.api('admin', 'GET', `/workflows/runs/${run}/logs?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Page;
}

/** Every page of a query by cursor, concatenated. */
async function allPages(run: string, query: string) {
  const lines: LogLine[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await runPage(run, `${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
    lines.push(...page.logs);
    if (page.logs.length === 0) break;
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  return lines;
}

const asStored = (lines: LogLine[]) =>
  lines.map((l) => ({
    runSeq: l.seq,
    nodeRun: l.nodeRunIdentifier,
    level: l.logLevel,
    message: l.log,
  }));

describe("a whole run's log, read through its segments", () => {
  it('has segments that tile the run 1…N, each a stretch of one node run', async () => {
    const { run, stored } = await interleavedRun();
    expect(stored.map((l) => l.runSeq)).toEqual(stored.map((_, k) => k + 1));
    const segments = await selectRows<{ runSeq: number; lines: number }>(
      t.database.db,
      sql`SELECT run_seq AS "runSeq", lines FROM log_segments
          WHERE run_key = (SELECT log_key FROM workflow_runs WHERE identifier = ${run})
          ORDER BY run_seq`,
    );
    let next = 1;
    for (const s of segments) {
      expect(s.runSeq).toBe(next);
      next += s.lines;
    }
    expect(next - 1).toBe(stored.length);
    // At most one a request (the batches of one write that follow each other are one).
    expect(segments.length).toBeLessThanOrEqual(12 * 3 + 8 + 1 + 1 + 2);
    const [misplaced] = await selectRows<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM log_lines l
          WHERE l.run_key = (SELECT log_key FROM workflow_runs WHERE identifier = ${run})
            AND NOT EXISTS (SELECT 1 FROM log_segments s
                            WHERE s.run_key = l.run_key AND s.node_key = l.node_key
                              AND l.run_seq BETWEEN s.run_seq AND s.run_seq + s.lines - 1
                              AND l.seq - s.seq = l.run_seq - s.run_seq)`,
    );
    expect(misplaced!.n).toBe(0);
  });

  it('pages by cursor, by tail, by level and by search exactly as the stored lines say', async () => {
    const { run, stored } = await interleavedRun();
    for (const limit of [1, 7, 100, 10000]) {
      expect(asStored(await allPages(run, `limit=${limit}`)), `limit ${limit}`).toEqual(stored);
    }
    const tail = await runPage(run, 'tail=true&limit=9');
    expect(asStored(tail.logs)).toEqual(stored.slice(-9));
    const from = await runPage(run, `cursor=${stored.length - 40}&limit=25`);
    expect(asStored(from.logs)).toEqual(stored.slice(-40, -15));

    const info = stored.filter((l) => l.level === 'INFO');
    expect(asStored(await allPages(run, 'level=INFO&limit=6'))).toEqual(info);
    const some = stored.filter((l) => l.level === 'DEBUG' || l.level === 'WARN');
    expect(asStored(await allPages(run, 'level=DEBUG&level=WARN&limit=11'))).toEqual(some);
    const lastInfo = await runPage(run, 'level=INFO&tail=true&limit=4');
    expect(asStored(lastInfo.logs)).toEqual(info.slice(-4));

    const needles = stored.filter((l) => l.message.includes('needle'));
    expect(needles.length).toBeGreaterThan(10);
    expect(asStored(await allPages(run, 'q=needle&limit=3'))).toEqual(needles);
    const first = await runPage(run, 'q=needle&limit=2');
    expect(first.total).toBe(needles.length);
    const lastNeedles = await runPage(run, 'q=needle&tail=true&limit=5');
    expect(asStored(lastNeedles.logs)).toEqual(needles.slice(-5));
    const infoNeedles = needles.filter((l) => l.level === 'INFO');
    expect(asStored(await allPages(run, 'q=needle&level=INFO&limit=2'))).toEqual(infoNeedles);
  });

  it('counts a stretch (total=only, upTo) as the stored lines say', async () => {
    const { run, stored } = await interleavedRun();
    const n = stored.length;
    for (const [after, upTo] of [
      [0, n],
      [0, 17],
      [13, 14],
      [40, n - 30],
      [n - 5, n + 100],
    ] as const) {
      const within = stored.filter((l) => l.runSeq > after && l.runSeq <= upTo);
      const all = await runPage(run, `total=only&cursor=${after}&upTo=${upTo}`);
      expect(all.total, `(${after}, ${upTo}]`).toBe(within.length);
      const info = await runPage(run, `total=only&level=INFO&cursor=${after}&upTo=${upTo}`);
      expect(info.total, `INFO (${after}, ${upTo}]`).toBe(
        within.filter((l) => l.level === 'INFO').length,
      );
      // A search's count may go to the end at once (nextCursor null) when that is cheap.
      const needle = await runPage(run, `total=only&q=needle&cursor=${after}&upTo=${upTo}`);
      const counted = needle.nextCursor === null ? stored.filter((l) => l.runSeq > after) : within;
      expect(needle.total, `needle (${after}, ${upTo}]`).toBe(
        counted.filter((l) => l.message.includes('needle')).length,
      );
    }
    const needles = await runPage(run, 'total=only&q=needle');
    expect(needles.total).toBe(stored.filter((l) => l.message.includes('needle')).length);
  });

  it('downloads the run and inlines its lines (includeLogs) in run order', async () => {
    const { run, stored } = await interleavedRun();
    const res = await fetch(`${t.baseUrl}/v1/workflows/runs/${run}/logs/download`, {
      headers: { authorization: adminAuth },
    });
    expect(res.status).toBe(200);
    const lines = (await res.text()).split('\n').slice(0, -1);
    expect(lines).toHaveLength(stored.length);
    lines.forEach((line, k) => expect(line.endsWith(stored[k]!.message), line).toBe(true));
    const filtered = await fetch(
      `${t.baseUrl}/v1/workflows/runs/${run}/logs/download?level=WARN&level=DEBUG`,
      { headers: { authorization: adminAuth } },
    );
    const some = stored.filter((l) => l.level === 'WARN' || l.level === 'DEBUG');
    const got = (await filtered.text()).split('\n').slice(0, -1);
    expect(got).toHaveLength(some.length);
    got.forEach((line, k) => expect(line.endsWith(some[k]!.message), line).toBe(true));

    const inlined = await t.api('admin', 'GET', `/workflows/runs/${run}?includeLogs=true`);
    expect(inlined.status).toBe(200);
    for (const nodeRun of (inlined.body.workflowRun as WorkflowRun).nodeRuns) {
      const logs = (nodeRun as unknown as { nodeRunLogs?: { log: string }[] }).nodeRunLogs ?? [];
      expect(logs.map((l) => l.log)).toEqual(
        stored.filter((l) => l.nodeRun === nodeRun.identifier).map((l) => l.message),
      );
    }
  });

  it('reads the same through segments rebuilt from the lines (runboard_rebuild_log_segments)', async () => {
    const { run, stored } = await interleavedRun();
    const key = sql`(SELECT log_key FROM workflow_runs WHERE identifier = ${run})`;
    await t.database.db.execute(sql`DELETE FROM log_segments WHERE run_key = ${key}`);
    // Without its segments a run's page finds nothing: they are what it reads by.
    expect((await runPage(run, 'limit=5')).logs).toEqual([]);
    await t.database.db.execute(sql`SELECT runboard_rebuild_log_segments(ARRAY[${key}])`);
    expect(asStored(await allPages(run, 'limit=13'))).toEqual(stored);
    expect(asStored((await runPage(run, 'tail=true&limit=3')).logs)).toEqual(stored.slice(-3));
  });
});
