import { count, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../db/client';
import { selectRows } from '../db/client';
import { nodeRuns, workflowRuns, workflows } from '../db/schema';
import type { Actor } from '../domain/permissions';
import { createWorkflow } from '../services/definitions';
import { Rng } from './demo-content';
import {
  buildRun,
  type HugeLogBlock,
  type LogInsert,
  type NodeRunInsert,
  type PlannedRun,
  type WorkflowRunInsert,
} from './demo-history';
import { DEMO_WORKFLOWS, demoWorkflow, type DemoWorkflow } from './demo-workflows';
import { ADMIN_ID, MEMBER_ID } from './users';

export interface DemoScale {
  /** Past workflow runs over the last 30 days. */
  runs: number;
  /** Lines of the one huge node-run log. */
  hugeLogLines: number;
  /** Minimum size in bytes (as JSON) of the one big node output. */
  bigOutputBytes: number;
}

export const DEFAULT_SCALE: DemoScale = {
  runs: 360,
  hugeLogLines: 210_000,
  bigOutputBytes: 1_200_000,
};

export interface DemoHighlight {
  workflowRun: string;
  nodeRun: string;
  size: number;
}

export interface DemoSeedResult {
  /** False when workflows existed already and nothing was written. */
  seeded: boolean;
  workflows: number;
  runs: number;
  nodeRuns: number;
  logLines: number;
  /** The node run with the most log lines, and how many. */
  hugeLog: DemoHighlight | null;
  /** The node run with the biggest output, and its size in bytes. */
  bigOutput: DemoHighlight | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** Postgres accepts at most 65 535 bind parameters per statement. */
const MAX_PARAMS = 60_000;
const MAX_CHUNK = 5000;

const admin: Actor = { id: ADMIN_ID, email: 'admin@runboard.dev', role: 'admin' };

function byIdentifier(identifier: string): DemoWorkflow {
  const workflow = demoWorkflow(identifier);
  if (!workflow) throw new Error(`demo workflow ${identifier} is missing`);
  return workflow;
}

/** When a person would have started a run: any time in the last 30 days, mostly office hours. */
function humanStartTime(now: Date, rng: Rng): Date {
  const earliest = now.getTime() - 30 * DAY_MS;
  const latest = now.getTime() - 3 * HOUR_MS;
  let t = earliest + rng.next() * (latest - earliest);
  if (rng.chance(0.75)) {
    const day = Math.floor(t / DAY_MS) * DAY_MS;
    t = day + rng.int(8, 18) * HOUR_MS + rng.int(0, HOUR_MS - 1);
    if (t > latest) t -= DAY_MS;
    if (t < earliest) t += DAY_MS;
  }
  return new Date(t);
}

function outcome(rng: Rng): PlannedRun['outcome'] {
  const roll = rng.next();
  return roll < 0.8 ? 'success' : roll < 0.94 ? 'fail' : 'cancel';
}

/** Every run of the history, oldest first. */
export function planRuns(now: Date, total: number, rng: Rng): PlannedRun[] {
  const pipeline = byIdentifier('nightly-data-pipeline');
  const nightly = Math.min(30, Math.max(2, Math.round(total / 12)));
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const plans: PlannedRun[] = [];
  for (let daysAgo = 1; daysAgo <= nightly; daysAgo++) {
    const special = daysAgo === 1 ? 'hugeLog' : daysAgo === 2 ? 'bigOutput' : null;
    plans.push({
      workflow: pipeline,
      createdAt: new Date(today - daysAgo * DAY_MS + 2 * HOUR_MS + rng.int(0, 900) * 1000),
      createdBy: ADMIN_ID,
      outcome: special ? 'success' : outcome(rng),
      special,
      age: (nightly - daysAgo) / Math.max(1, nightly - 1),
    });
  }
  const mix: [DemoWorkflow, number, number][] = [
    [byIdentifier('deploy-service'), 0.55, 0.5],
    [byIdentifier('provision-environment'), 0.18, 0.6],
    [byIdentifier('rotate-secrets'), 0.27, 0.75],
  ];
  for (let i = nightly; i < total; i++) {
    let roll = rng.next();
    const [workflow, , adminShare] = mix.find(([, share]) => (roll -= share) < 0) ?? mix[0]!;
    plans.push({
      workflow,
      createdAt: humanStartTime(now, rng),
      createdBy: rng.chance(adminShare) ? ADMIN_ID : MEMBER_ID,
      outcome: outcome(rng),
      special: null,
    });
  }
  return plans.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

async function insertChunked<T extends Record<string, unknown>>(tx: Tx, table: PgTable, rows: T[]) {
  const columns = rows[0] ? Object.keys(rows[0]).length : 1;
  const size = Math.min(MAX_CHUNK, Math.floor(MAX_PARAMS / columns));
  for (let i = 0; i < rows.length; i += size) {
    await tx.insert(table).values(rows.slice(i, i + size));
  }
}

/**
 * Log lines go in as one JSON document per chunk rather than eight bind parameters per row:
 * on PGlite that is about three times faster, and the log is most of the seed.
 */
async function insertLogs(tx: Tx, rows: LogInsert[]) {
  for (let i = 0; i < rows.length; i += MAX_CHUNK) {
    await tx.execute(sql`
      INSERT INTO log_lines_in (node_key, seq, run_key, run_seq, level, message, tags, created_at)
      SELECT n.log_key, x.seq, r.log_key, x."runSeq", x.level, x.message, x.tags, x."createdAt"
      FROM jsonb_to_recordset(${JSON.stringify(rows.slice(i, i + MAX_CHUNK))}::jsonb)
        AS x("workflowRunIdentifier" text, "nodeRunIdentifier" text, seq int, "runSeq" int,
             level text, message text, tags jsonb, "createdAt" timestamptz)
      JOIN node_runs n ON n.identifier = x."nodeRunIdentifier"
      JOIN workflow_runs r ON r.identifier = x."workflowRunIdentifier"`);
  }
}

/** Writes the huge log in the database itself: varied lines, rare ERRORs, tags now and then. */
async function insertHugeLog(tx: Tx, block: HugeLogBlock) {
  const spanMs = block.to.getTime() - block.from.getTime();
  await tx.execute(sql`
    INSERT INTO log_lines_in (node_key, seq, run_key, run_seq, level, message, tags, created_at)
    SELECT (SELECT log_key FROM node_runs WHERE identifier = ${block.nodeRunIdentifier}), i,
      (SELECT log_key FROM workflow_runs WHERE identifier = ${block.workflowRunIdentifier}),
      ${block.runSeqBase}::bigint + i,
      CASE WHEN i % 20011 = 0 THEN 'ERROR' WHEN i % 173 = 0 THEN 'WARN'
           WHEN i % 3 = 0 THEN 'DEBUG' ELSE 'INFO' END,
      CASE
        WHEN i % 20011 = 0 THEN format(
          'Batch %s rejected: Numeric value ''N/A'' is not recognized (file part-%s.parquet, row %s)',
          i / 500, lpad((i % 977)::text, 5, '0'), (i * 7919) % 100000)
        WHEN i % 173 = 0 THEN format(
          'Slow COPY into analytics.%s: batch %s took %s ms (warehouse queue depth %s)',
          (ARRAY['fact_orders','fact_payments','dim_customer','fact_inventory'])[1 + i % 4],
          i / 500, 4000 + (i * 104729) % 9000, 1 + i % 7)
        WHEN i % 3 = 0 THEN format(
          'chunk %s: %s rows staged to @etl_stage/%s/part-%s.parquet (%s KB)',
          i, 500 + (i * 7919) % 4500,
          (ARRAY['orders','payments','customers','inventory','events'])[1 + i % 5],
          lpad((i % 977)::text, 5, '0'), 64 + (i * 31) % 900)
        ELSE format(
          (ARRAY[
            'COPY INTO analytics.%s: batch %s, %s rows loaded in %s ms',
            'MERGE analytics.%s: batch %s, %s rows updated, %s ms',
            'Loaded %s partition of batch %s (%s rows, %s ms)',
            'Upserted %s keys for batch %s (%s rows scanned, %s ms)'])[1 + (i / 3) % 4],
          (ARRAY['fact_orders','fact_payments','dim_customer','fact_inventory','dim_product'])[1 + i % 5],
          i / 500, 500 + (i * 7919) % 4500, 20 + (i * 104729) % 900)
      END,
      CASE WHEN i % 50 = 0 THEN jsonb_build_object('batch', (i / 500)::text, 'worker', 'loader-' || (1 + i % 8)::text) END,
      ${block.from.toISOString()}::timestamptz
        + (((i * ${spanMs}::bigint) / (${block.lines}::bigint + 1)) * interval '1 millisecond')
    FROM generate_series(1::bigint, ${block.lines}::bigint) AS i`);
  await tx.execute(sql`
    UPDATE node_runs SET log_seq = c.n, debug_count = c.debug, info_count = c.info,
      warn_count = c.warn, error_count = c.error
    FROM (SELECT count(*)::int AS n,
            count(*) FILTER (WHERE level = 'DEBUG')::int AS debug,
            count(*) FILTER (WHERE level = 'INFO')::int AS info,
            count(*) FILTER (WHERE level = 'WARN')::int AS warn,
            count(*) FILTER (WHERE level = 'ERROR')::int AS error
          FROM log_lines
          WHERE node_key = (SELECT log_key FROM node_runs WHERE identifier = ${block.nodeRunIdentifier})) c
    WHERE identifier = ${block.nodeRunIdentifier}`);
}

/** The node runs a person exploring the demo looks for: the longest log and the biggest output. */
export async function findDemoHighlights(db: Db | Tx) {
  const [huge] = await selectRows<{ run: string; node: string; size: number }>(
    db,
    sql`SELECT workflow_run_identifier AS run, identifier AS node, log_seq AS size
        FROM node_runs ORDER BY log_seq DESC LIMIT 1`,
  );
  const [big] = await selectRows<{ run: string; node: string; size: number }>(
    db,
    sql`SELECT workflow_run_identifier AS run, identifier AS node,
               octet_length(output::text) AS size
        FROM node_runs ORDER BY octet_length(output::text) DESC LIMIT 1`,
  );
  const highlight = (r: typeof huge) =>
    r ? { workflowRun: r.run, nodeRun: r.node, size: Number(r.size) } : null;
  return { hugeLog: highlight(huge), bigOutput: highlight(big) };
}

/**
 * Seeds the demo organization (workflows and 30 days of past runs) unless a workflow exists
 * already, so a restart keeps what is there. Everything is written in one transaction: a seed
 * cut short leaves nothing behind and runs again on the next start.
 */
export async function seedDemo(
  db: Db,
  options: {
    now: Date;
    scale?: Partial<DemoScale>;
    seed?: number;
    /** Where progress lines go while it seeds (npm start prints them). */
    progress?: (line: string) => void;
  },
): Promise<DemoSeedResult> {
  const progress = options.progress ?? (() => {});
  const scale = { ...DEFAULT_SCALE, ...options.scale };
  const [existing] = await db.select({ n: count() }).from(workflows);
  if (existing && existing.n > 0) {
    return {
      seeded: false,
      workflows: existing.n,
      runs: 0,
      nodeRuns: 0,
      logLines: 0,
      ...(await findDemoHighlights(db)),
    };
  }
  const rng = new Rng(options.seed ?? 20261123);
  return db.transaction(async (tx) => {
    const createdAt = new Date(options.now.getTime() - 31 * DAY_MS);
    for (const workflow of DEMO_WORKFLOWS) {
      await createWorkflow(tx, workflow.body, admin, createdAt);
    }
    const runRows: WorkflowRunInsert[] = [];
    const nodeRunRows: NodeRunInsert[] = [];
    const logRows: LogInsert[] = [];
    const hugeLogs: HugeLogBlock[] = [];
    for (const plan of planRuns(options.now, scale.runs, rng)) {
      const rows = buildRun(plan, rng, scale);
      runRows.push(rows.run);
      nodeRunRows.push(...rows.nodeRuns);
      for (const line of rows.logs) logRows.push(line);
      if (rows.hugeLog) hugeLogs.push(rows.hugeLog);
    }
    const lines = logRows.length + hugeLogs.reduce((s, b) => s + b.lines, 0);
    progress(
      `Seeding the demo organization: ${runRows.length} runs, ${nodeRunRows.length} node runs, ${lines} log lines…`,
    );
    await insertChunked(tx, workflowRuns, runRows);
    await insertChunked(tx, nodeRuns, nodeRunRows);
    // The log's secondary indexes are built once after the bulk load (cheaper than maintained
    // line by line); the table is new and nobody else writes yet.
    const indexes = await selectRows<{ name: string; def: string }>(
      tx,
      sql`SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
          WHERE i.schemaname = current_schema() AND i.tablename = 'log_blocks'
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    );
    for (const index of indexes) await tx.execute(sql.raw(`DROP INDEX "${index.name}"`));
    await insertLogs(tx, logRows);
    progress(`  ${logRows.length} of ${lines} log lines written; the long log next…`);
    for (const block of hugeLogs) await insertHugeLog(tx, block);
    progress(`  ${lines} log lines written; indexing them…`);
    // Where each run's lines are (db/log-segments.ts), from the lines just written.
    await tx.execute(
      sql`SELECT runboard_rebuild_log_segments(array_agg(log_key)) FROM workflow_runs`,
    );
    for (const index of indexes) await tx.execute(sql.raw(index.def));
    return {
      seeded: true,
      workflows: DEMO_WORKFLOWS.length,
      runs: runRows.length,
      nodeRuns: nodeRunRows.length,
      logLines: logRows.length + hugeLogs.reduce((s, b) => s + b.lines, 0),
      ...(await findDemoHighlights(tx)),
    };
  });
}

/** What the server prints at start: how the seed went and where the big demo items are. */
export function seedReport(result: DemoSeedResult, ms: number): string[] {
  const lines = [
    result.seeded
      ? `Seeded the demo organization in ${(ms / 1000).toFixed(1)} s: ${result.workflows} workflows, ${result.runs} runs, ${result.nodeRuns} node runs, ${result.logLines} log lines`
      : 'Demo organization already seeded; left as it is',
  ];
  if (result.hugeLog) {
    const { workflowRun, nodeRun, size } = result.hugeLog;
    lines.push(`  huge log:   run ${workflowRun}, node run ${nodeRun} (${size} lines)`);
  }
  if (result.bigOutput) {
    const { workflowRun, nodeRun, size } = result.bigOutput;
    lines.push(`  big output: run ${workflowRun}, node run ${nodeRun} (${size} bytes)`);
  }
  return lines;
}
