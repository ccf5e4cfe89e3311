import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  gte,
  inArray,
  lte,
  sql,
  type SQL,
  type Table,
} from 'drizzle-orm';
import type {
  LogLevel,
  LogsQuery,
  RunResult,
  RunsListQuery,
  WorkflowNode,
} from '../../contract/workflows';
import type { SelectedFields } from 'drizzle-orm/pg-core';
import { seqCursor } from '../../contract/common';
import { PREVIEW_CHARS } from '../../contract/json-pointer';
import { invalid } from '../domain/errors';
import { agentInstallationOf } from '../domain/agent-work';
import { newNodeRunId } from '../domain/ids';
import { selectPrepared, selectRows, type Db, type DbOrTx, type Tx } from './client';
import { coalescerOf, type Coalescer } from './coalesce';
import { visibleToSql } from './visibility';
import { canViewRun, type Actor, type RunVisibility } from '../domain/permissions';
import { decodeCursor, encodeCursor, exactAt, isStringKey, newestFirst, olderThan } from './cursor';
import { appendLogBatches, type LogInput } from './log-batches';
import { blockMayMatch, messageMatches, withoutBlockTests } from './log-filter';
import { readInStretches, readRunInStretches, runLinesAt, runStretch } from './log-segments';
import { blocksAt, linesIn } from './log-blocks';
import { cachedCount, storeCount } from './log-search-counts';
import {
  candidateRanges,
  countableTerm,
  CHUNK_LINES,
  countFromChunks,
  countEdgedWord,
  edgedWord,
  termLines,
  chunkPatterns,
  phraseTerm,
  lastSealedSeq,
  perRange,
  rulesOutMost,
  UNSEALED_END,
  type ChunkCount,
  type LineRange,
} from './log-chunks';
import { logLines, nodeRuns, workflowRuns, workItems } from './schema';
import {
  groupBy,
  toWorkflowRun,
  toWorkflowRunSummary,
  type NodeRunRow,
  type WorkflowRunRow,
} from './serialize';

/** Queries of workflow runs, node runs and their logs: they take a transaction and decide nothing. */

export type { LogInput } from './log-batches';

export async function findWorkflowRun(db: DbOrTx, identifier: string, lock = false) {
  const query = db.select().from(workflowRuns).where(eq(workflowRuns.identifier, identifier));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** `workflow_runs` row condition: the run that owns this node run (a subquery, one statement). */
const isRunOfNodeRun = (tx: Tx, nodeRunIdentifier: string) =>
  eq(
    workflowRuns.identifier,
    tx
      .select({ id: nodeRuns.workflowRunIdentifier })
      .from(nodeRuns)
      .where(eq(nodeRuns.identifier, nodeRunIdentifier)),
  );

/** The run that owns a node run, locked (FOR UPDATE), in one statement. */
export async function lockRunOfNodeRun(tx: Tx, nodeRunIdentifier: string) {
  const [row] = await tx
    .select()
    .from(workflowRuns)
    .where(isRunOfNodeRun(tx, nodeRunIdentifier))
    .for('update');
  return row;
}

/** The node run's state a log append checks (is it still open), without its output or config. */
export async function findNodeRunState(db: DbOrTx, identifier: string) {
  const [row] = await db
    .select({
      identifier: nodeRuns.identifier,
      workflowRunIdentifier: nodeRuns.workflowRunIdentifier,
      status: nodeRuns.status,
      result: nodeRuns.result,
      completedAt: nodeRuns.completedAt,
    })
    .from(nodeRuns)
    .where(eq(nodeRuns.identifier, identifier));
  return row;
}

export async function findNodeRun(db: DbOrTx, identifier: string) {
  const [row] = await db.select().from(nodeRuns).where(eq(nodeRuns.identifier, identifier));
  return row;
}

/**
 * One node run's `columns` beside what deciding whether the caller may view its run needs
 * (`canViewRun`: the run's visibility columns, not the run row, which would bring `outputs`
 * along); undefined for no such node run.
 */
async function nodeRunWithVisibility<T extends SelectedFields>(
  db: DbOrTx,
  identifier: string,
  columns: T,
) {
  const [row] = await db
    .select({
      ...columns,
      allowAnyoneToView: workflowRuns.allowAnyoneToView,
      createdBy: workflowRuns.createdBy,
    })
    .from(nodeRuns)
    .innerJoin(workflowRuns, eq(workflowRuns.identifier, nodeRuns.workflowRunIdentifier))
    .where(eq(nodeRuns.identifier, identifier));
  return row;
}

/** One node run without its output or config (read on their own endpoints), and its run's. */
export const slimNodeRun = (db: DbOrTx, identifier: string) =>
  nodeRunWithVisibility(db, identifier, {
    nodeRun: {
      ...getTableColumns(nodeRuns),
      output: sql<unknown>`'{}'::jsonb`,
      config: sql<unknown>`null::jsonb`,
    },
    workflowIdentifier: workflowRuns.workflowIdentifier,
  });

export async function nodeRunsOf(db: DbOrTx, runIdentifier: string) {
  return db
    .select()
    .from(nodeRuns)
    .where(eq(nodeRuns.workflowRunIdentifier, runIdentifier))
    .orderBy(asc(nodeRuns.ord));
}

/** The latest node run of a run still in progress, if any. */
export async function latestOpenNodeRun(tx: Tx, runIdentifier: string) {
  const [row] = await tx
    .select()
    .from(nodeRuns)
    .where(
      and(eq(nodeRuns.workflowRunIdentifier, runIdentifier), eq(nodeRuns.status, 'IN_PROGRESS')),
    )
    .orderBy(desc(nodeRuns.ord))
    .limit(1);
  return row;
}

/** The runs that re-ran `identifier`, among those `visible` lets through, oldest first. */
export async function rerunIdentifiers(db: DbOrTx, identifier: string, visible: SQL | undefined) {
  const rows = await db
    .select({ identifier: workflowRuns.identifier })
    .from(workflowRuns)
    .where(and(eq(workflowRuns.rerunOf, identifier), visible))
    .orderBy(asc(workflowRuns.createdAt), asc(workflowRuns.identifier));
  return rows.map((r) => r.identifier);
}

/** Whether the run `identifier` is gone (retention deleted it): a re-run's page names it then. */
export async function workflowRunGone(db: DbOrTx, identifier: string) {
  const [row] = await db
    .select({ identifier: workflowRuns.identifier })
    .from(workflowRuns)
    .where(eq(workflowRuns.identifier, identifier));
  return !row;
}

/** The row of a node run about to start (IN_PROGRESS unless the caller overrides it). */
export function newNodeRun(runIdentifier: string, node: WorkflowNode, now: Date) {
  return {
    identifier: newNodeRunId(),
    workflowRunIdentifier: runIdentifier,
    nodeIdentifier: node.identifier,
    nodeTitle: node.title ?? null,
    nodeIcon: node.icon ?? null,
    nodeConfigType: node.config.type,
    status: 'IN_PROGRESS' as const,
    // An INTEGRATION_ACTION node run is handed to an agent with its node's config.
    installationId: agentInstallationOf(node.config),
    config: agentInstallationOf(node.config) ? node.config : null,
    createdAt: now,
    updatedAt: now,
  };
}

export type NewNodeRun = typeof nodeRuns.$inferInsert;
export type NewWorkflowRun = typeof workflowRuns.$inferInsert;

export async function insertWorkflowRun(tx: Tx, values: NewWorkflowRun) {
  const [row] = await tx.insert(workflowRuns).values(values).returning();
  return row!;
}

export async function insertNodeRuns(tx: Tx, values: NewNodeRun[]) {
  if (values.length === 0) return [];
  return tx.insert(nodeRuns).values(values).returning();
}

/** Ends every node run of the run still in progress with `result`. */
export async function completeOpenNodeRuns(
  tx: Tx,
  runIdentifier: string,
  result: RunResult,
  now: Date,
) {
  await tx
    .update(nodeRuns)
    .set({ status: 'COMPLETED', result, completedAt: now, updatedAt: now })
    .where(
      and(eq(nodeRuns.workflowRunIdentifier, runIdentifier), eq(nodeRuns.status, 'IN_PROGRESS')),
    );
}

/** Completes the run unless it already has. */
export async function markRunCompleted(
  tx: Tx,
  runIdentifier: string,
  result: RunResult,
  now: Date,
) {
  await tx
    .update(workflowRuns)
    .set({ status: 'COMPLETED', result, completedAt: now, updatedAt: now })
    .where(
      and(eq(workflowRuns.identifier, runIdentifier), sql`${workflowRuns.completedAt} IS NULL`),
    );
}

export async function markRunCancelling(tx: Tx, runIdentifier: string, now: Date) {
  await tx
    .update(workflowRuns)
    .set({ status: 'CANCELLING', updatedAt: now })
    .where(eq(workflowRuns.identifier, runIdentifier));
}

/** Sets a node run's output (and the root's view kept for it, see storeOutputRoot) and/or completes it. */
export async function updateNodeRun(
  tx: Tx,
  nodeRunIdentifier: string,
  changes: {
    output?: unknown;
    completion?: { result: RunResult | undefined } | undefined;
    externalRunId?: string | null | undefined;
    links?: string[] | undefined;
  },
  now: Date,
) {
  await tx
    .update(nodeRuns)
    .set({
      ...(changes.output !== undefined ? { output: changes.output } : {}),
      ...(changes.externalRunId !== undefined ? { externalRunId: changes.externalRunId } : {}),
      ...(changes.links !== undefined ? { links: changes.links } : {}),
      ...(changes.completion
        ? { status: 'COMPLETED', result: changes.completion.result, completedAt: now }
        : {}),
      updatedAt: now,
    })
    .where(eq(nodeRuns.identifier, nodeRunIdentifier));
  if (changes.output !== undefined) await storeOutputRoot(tx, nodeRunIdentifier);
}

/** Adds a node's output to the run's `variables.outputs`. */
export async function mergeRunOutput(
  tx: Tx,
  runIdentifier: string,
  nodeIdentifier: string,
  output: unknown,
  now: Date,
) {
  await tx
    .update(workflowRuns)
    .set({
      outputs: sql`${workflowRuns.outputs} || jsonb_build_object(${nodeIdentifier}::text, ${JSON.stringify(output)}::jsonb)`,
      updatedAt: now,
    })
    .where(eq(workflowRuns.identifier, runIdentifier));
}

/**
 * Appends lines to a node run, numbering them after the node run's and the run's last lines;
 * the caller holds the run's row lock so two appends never take the same numbers.
 */
export async function appendNodeRunLogs(
  tx: Tx,
  run: Pick<WorkflowRunRow, 'identifier'>,
  nodeRun: Pick<NodeRunRow, 'identifier'>,
  lines: LogInput[],
  now: Date,
) {
  if (lines.length === 0) return;
  const { written } = await appendLogBatches(
    tx,
    [{ nodeRun: nodeRun.identifier, lines, at: now }],
    { onlyOpen: false },
  );
  if (written !== lines.length) throw new Error(`Node run "${nodeRun.identifier}" vanished`);
}

// ---- reads ---------------------------------------------------------------------------------

/**
 * What a poll's ETag is made of, for the run aliased `run`: the sum of the change stamps of the
 * run, its node runs and its re-runs (each insert or update takes a bigger stamp, so the sum
 * moves with every committed change whatever the commit order), a digest of the node runs'
 * work items (deliveries and agent claims are shown with the run), 'gone' once the run this one
 * re-ran has been deleted (the page then names it instead of linking it) and, unless `ignoreLogs`, the
 * run's log_seq: a log append takes no stamp (migration s5reads_log_stamps), so without it the
 * stamp stays put while only lines (and so the level counts and updatedAt) move. Reads no output.
 */
/** Whether the run that the run aliased `alias` re-ran is gone (false when it re-ran none). */
const rerunOfGone = (alias: string) =>
  sql`${sql.raw(alias)}.rerun_of IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM workflow_runs o WHERE o.identifier = ${sql.raw(alias)}.rerun_of)`;

const runStamps = {
  withLogs: runStampSql(true),
  ignoreLogs: runStampSql(false),
};
function runStampSql(withLogs: boolean) {
  return sql`concat_ws('.',
      run.version,
      (SELECT coalesce(sum(n.version), 0) FROM node_runs n
        WHERE n.workflow_run_identifier = run.identifier),
      (SELECT coalesce(sum(r.version), 0) FROM workflow_runs r WHERE r.rerun_of = run.identifier),
      (CASE WHEN ${rerunOfGone('run')} THEN 'gone' END),
      (SELECT md5(coalesce(string_agg(
          concat_ws('/', w.id, w.state, w.attempts, w.next_attempt_at, w.claimed_until, w.last_error),
          ',' ORDER BY w.id), ''))
        FROM work_items w JOIN node_runs n
          ON w.kind IN ('node_run', 'agent_node_run') AND w.subject_id = n.identifier
        WHERE n.workflow_run_identifier = run.identifier)${sql.raw(withLogs ? ', run.log_seq' : '')})`;
}

const runVisibleTo = (actor: Actor, alias: string) =>
  visibleToSql(actor, {
    allowAnyoneToView: sql.raw(`${alias}.allow_anyone_to_view`),
    createdBy: sql.raw(`${alias}.created_by`),
  });

/** The run's change stamp (see `runStamps`, with its log), if the actor may view the run. */
export async function runChangeStamp(
  db: DbOrTx,
  identifier: string,
  actor: Actor,
): Promise<string | undefined> {
  // Raw SQL: the subqueries must name the outer row by its alias, not by a bare column name.
  const [row] = await selectRows<{ stamp: string }>(
    db,
    sql`SELECT ${runStamps.withLogs} AS stamp FROM workflow_runs run
        WHERE run.identifier = ${identifier} AND ${runVisibleTo(actor, 'run')}`,
  );
  return row?.stamp;
}

/** A run's change stamps (see `runStamps`: without and with its log) and who may view it. */
interface RunStamps extends RunVisibility {
  ignoreLogs: string;
  withLogs: string;
}

const runStampLookups = new WeakMap<Db, Coalescer<string, RunStamps>>();

async function loadRunStamps(db: Db, identifiers: string[]) {
  // concat_ws skips nulls alike in both forms, so the stamp with the log is the one without
  // plus `.log_seq`, exactly as runStamps.withLogs writes it.
  const rows = await selectPrepared<RunStamps & { identifier: string }>(
    db,
    sql`SELECT s.identifier, s.allow_anyone_to_view AS "allowAnyoneToView", s.created_by AS "createdBy",
          s.stamp AS "ignoreLogs", concat_ws('.', s.stamp, s.log_seq) AS "withLogs"
        FROM (SELECT run.identifier, run.allow_anyone_to_view, run.created_by, run.log_seq,
                ${runStamps.ignoreLogs} AS stamp
              FROM workflow_runs run
              WHERE run.identifier = ANY(${sql.param(identifiers)}::text[])) s`,
  );
  return new Map(rows.map(({ identifier, ...stamps }) => [identifier, stamps]));
}

/**
 * A run's change stamp (`ignoreLogs`: without its log) if the actor may view it, for a poll that
 * names a stamp: the polls of many runs made meanwhile share one query (db/coalesce.ts), each
 * from a read sent after the poll arrived.
 */
export async function currentRunStamp(
  db: Db,
  identifier: string,
  actor: Actor,
  ignoreLogs: boolean,
): Promise<string | undefined> {
  const stamps = await coalescerOf(runStampLookups, db, loadRunStamps).get(identifier);
  if (!stamps || !canViewRun(actor, stamps)) return undefined;
  return ignoreLogs ? stamps.ignoreLogs : stamps.withLogs;
}

type WorkItemRow = typeof workItems.$inferSelect;

/**
 * Everything a poll of one run shows, read in one statement (one snapshot, one round trip): its
 * change stamp and, unless that is `unlessStamp` (the poll's ETag still holds), the run, its node
 * runs in order (`outputs: false` leaves the outputs unread: the summary drops them), the re-runs
 * the actor may view, the node runs' delivery work items and agents' claims. Undefined when the
 * actor may not view the run. `ignoreLogs`: the stamp leaves the log out (see `runStamps`).
 */
export async function runPollSnapshot(
  db: Db,
  identifier: string,
  actor: Actor,
  options: { outputs: boolean; unlessStamp: string | null; ignoreLogs: boolean },
): Promise<
  | undefined
  | { stamp: string; unchanged: true }
  | {
      stamp: string;
      unchanged: false;
      run: WorkflowRunRow;
      nodeRuns: NodeRunRow[];
      reruns: string[];
      rerunOfDeleted: boolean;
      workItems: WorkItemRow[];
      claims: Map<string, Date | null>;
    }
> {
  const json = rowsJson(options.outputs);
  const [row] = await selectPrepared<{
    stamp: string;
    body: {
      run: Record<string, unknown>;
      nodeRuns: Record<string, unknown>[];
      reruns: string[];
      rerunOfDeleted: boolean;
      workItems: Record<string, unknown>[];
      claims: { subjectId: string; claimedUntil: string }[];
    } | null;
  }>(
    db,
    sql`
    SELECT s.stamp, CASE WHEN s.stamp = ${options.unlessStamp} THEN NULL ELSE jsonb_build_object(
      'run', ${json.run},
      'nodeRuns', (SELECT coalesce(jsonb_agg(${json.nodeRun} ORDER BY n.ord), '[]')
        FROM node_runs n WHERE n.workflow_run_identifier = s.identifier),
      'reruns', (SELECT coalesce(jsonb_agg(r.identifier ORDER BY r.created_at, r.identifier), '[]')
        FROM workflow_runs r WHERE r.rerun_of = s.identifier AND ${runVisibleTo(actor, 'r')}),
      'rerunOfDeleted', ${rerunOfGone('s')},
      'workItems', (SELECT coalesce(jsonb_agg(${json.workItem}), '[]')
        FROM work_items w JOIN node_runs n ON w.kind = 'node_run' AND w.subject_id = n.identifier
        WHERE n.workflow_run_identifier = s.identifier),
      'claims', (SELECT coalesce(jsonb_agg(jsonb_build_object(
            'subjectId', w.subject_id, 'claimedUntil', w.claimed_until)), '[]')
        FROM work_items w JOIN node_runs n
          ON w.kind = 'agent_node_run' AND w.subject_id = n.identifier
        WHERE n.workflow_run_identifier = s.identifier AND n.installation_id IS NOT NULL
          AND w.claimed_until IS NOT NULL)
    ) END AS body
    FROM (SELECT run.*, ${options.ignoreLogs ? runStamps.ignoreLogs : runStamps.withLogs} AS stamp
          FROM workflow_runs run
          WHERE run.identifier = ${identifier} AND ${runVisibleTo(actor, 'run')}) s`,
  );
  if (!row) return undefined;
  if (!row.body) return { stamp: row.stamp, unchanged: true };
  const { body } = row;
  return {
    stamp: row.stamp,
    unchanged: false,
    run: fromRowJson(workflowRuns, body.run),
    nodeRuns: body.nodeRuns.map((n) => fromRowJson(nodeRuns, n)),
    reruns: body.reruns,
    rerunOfDeleted: body.rerunOfDeleted,
    workItems: body.workItems.map((w) => fromRowJson(workItems, w)),
    claims: new Map(body.claims.map((c) => [c.subjectId, new Date(c.claimedUntil)])),
  };
}

/** The jsonb objects of a poll's rows, built once per form (with or without outputs). */
const rowsJsonOf = new Map<boolean, { run: SQL; nodeRun: SQL; workItem: SQL }>();
function rowsJson(outputs: boolean) {
  let json = rowsJsonOf.get(outputs);
  if (!json) {
    const skip = outputs ? [] : ['outputs', 'output'];
    json = {
      run: rowJson(workflowRuns, 's', skip),
      nodeRun: rowJson(nodeRuns, 'n', skip),
      workItem: rowJson(workItems, 'w'),
    };
    rowsJsonOf.set(outputs, json);
  }
  return json;
}

/** A jsonb object of the columns (by SQL name) of `table`'s row aliased `alias`, but `skip`. */
function rowJson(table: Table, alias: string, skip: string[] = []): SQL {
  const pairs = Object.values(getTableColumns(table))
    .filter((c) => !skip.includes(c.name))
    .map((c) => sql.raw(`'${c.name}', ${alias}.${c.name}`));
  return sql`jsonb_build_object(${sql.join(pairs, sql`, `)})`;
}

/**
 * A row of `table` as drizzle would have read it, from `rowJson`'s object: each column mapped
 * from the driver's form (timestamps to dates, bigints to numbers); jsonb is parsed already. A
 * column left out is null.
 */
function fromRowJson<T extends Table>(table: T, json: Record<string, unknown>): T['$inferSelect'] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    row[key] =
      value === null || value === undefined
        ? null
        : column.columnType === 'PgJsonb'
          ? value
          : column.mapFromDriverValue(value);
  }
  return row as T['$inferSelect'];
}

/**
 * What a log read needs of its scope (a node run, or a whole run), if the actor may view the
 * run: its status, how many lines it has (`log_seq`: a new line always raises
 * it, in the same statement that writes the line) and its per-level counters (a run's: the sum
 * of its node runs'). Indexed lookups only; no output, no log line read.
 */
export async function logScopeState(
  db: Db,
  of: { nodeRun: string } | { run: string },
  actor: Actor,
): Promise<
  | { finished: boolean; lastSeq: number; counts: Record<LogLevel, number>; keys: LogKeys }
  | undefined
> {
  const row =
    'nodeRun' in of
      ? await coalescerOf(nodeLogStateLookups, db, loadNodeLogStates).get(of.nodeRun)
      : (await selectPrepared<LogStateRow>(db, runLogState(of.run)))[0];
  if (!row || !canViewRun(actor, row)) return undefined;
  return {
    finished: row.status === 'COMPLETED',
    lastSeq: row.last_seq,
    counts: { DEBUG: row.debug, INFO: row.info, WARN: row.warn, ERROR: row.error },
    // The lines' keys come with the state, so the page is read by constants (one partition).
    keys: { nodeKey: row.node_key, runKey: row.run_key },
  };
}

interface LogStateRow extends RunVisibility {
  status: string;
  node_key: number | null;
  run_key: number;
  last_seq: number;
  debug: number;
  info: number;
  warn: number;
  error: number;
}

const runLogState = (run: string) =>
  sql`SELECT run.status, NULL::int AS node_key, run.log_key AS run_key,
        run.log_seq AS last_seq, c.debug, c.info, c.warn, c.error,
        run.allow_anyone_to_view AS "allowAnyoneToView", run.created_by AS "createdBy"
      FROM workflow_runs run, LATERAL (
        SELECT coalesce(sum(n.debug_count), 0)::int AS debug,
          coalesce(sum(n.info_count), 0)::int AS info,
          coalesce(sum(n.warn_count), 0)::int AS warn,
          coalesce(sum(n.error_count), 0)::int AS error
        FROM node_runs n WHERE n.workflow_run_identifier = run.identifier) c
      WHERE run.identifier = ${run}`;

const nodeLogStateLookups = new WeakMap<Db, Coalescer<string, LogStateRow>>();

/** Node runs' log states (every log poll reads one), many polls' in one query (db/coalesce.ts). */
async function loadNodeLogStates(db: Db, nodeRuns: string[]) {
  const rows = await selectPrepared<LogStateRow & { identifier: string }>(
    db,
    sql`SELECT n.identifier, n.status, n.log_key AS node_key, run.log_key AS run_key,
          n.log_seq AS last_seq, n.debug_count AS debug, n.info_count AS info,
          n.warn_count AS warn, n.error_count AS error,
          run.allow_anyone_to_view AS "allowAnyoneToView", run.created_by AS "createdBy"
        FROM node_runs n JOIN workflow_runs run ON run.identifier = n.workflow_run_identifier
        WHERE n.identifier = ANY(${sql.param(nodeRuns)}::text[])`,
  );
  return new Map(rows.map(({ identifier, ...row }) => [identifier, row]));
}

/**
 * A node run's output as the JSON text PostgreSQL writes (never parsed: it may be 10 MB), with
 * what deciding who may view its run needs.
 */
export const nodeRunOutput = (db: DbOrTx, identifier: string) =>
  nodeRunWithVisibility(db, identifier, {
    status: nodeRuns.status,
    outputJson: sql<string>`${nodeRuns.output}::text`,
  });

/** A value inside a node run's output read shallowly: its kind, size and a page of children. */
export interface ShallowView {
  /** Null when the path names nothing in the output. */
  kind: string | null;
  size: number | null;
  /** [key, kind, size, preview, length] per child, in the output's own order. */
  entries: [string, string, number | null, string | null, number | null][];
  /** A primitive's preview and length. */
  preview: string | null;
  length: number | null;
}

export interface ShallowOutputRow {
  status: string;
  allowAnyoneToView: boolean;
  createdBy: string;
  storedBytes: number;
  view: ShallowView;
}

/**
 * The root's shallow view kept in node_run_output_roots: its first 500 children with previews of
 * PREVIEW_CHARS characters, for outputs stored in 8 KB or more.
 */
export const STORED_ROOT = { limit: 500, previewChars: PREVIEW_CHARS, minStoredBytes: 8192 };

/**
 * SQL computing the shallow view (ShallowView as jsonb) of the jsonb value `v`: its kind and
 * size, and `limit` children from `offset` with their kind, size and a preview of at most
 * `previewChars` characters, in jsonb's order (the order `output::text`, the full read, has).
 * `v` must be computed once (`LATERAL (SELECT … OFFSET 0)`): inlined, every mention of it would
 * detoast and decompress the whole output again (~10 times, 0.5–1.4 s for a 10 MB output).
 */
export function shallowViewSql(
  v: string,
  page: { offset: number; limit: number },
  previewChars: number,
) {
  const offset = Math.trunc(page.offset);
  const limit = Math.trunc(page.limit);
  const chars = Math.trunc(previewChars);
  // A child's (or the value's own) size and preview, by its kind.
  const size = (x: string) =>
    `CASE jsonb_typeof(${x}) WHEN 'object' THEN (SELECT count(*) FROM jsonb_object_keys(${x}))::int
       WHEN 'array' THEN jsonb_array_length(${x}) END`;
  const preview = (x: string) =>
    `CASE jsonb_typeof(${x}) WHEN 'string' THEN to_jsonb(left(${x} #>> '{}', ${chars}))::text
       WHEN 'object' THEN NULL WHEN 'array' THEN NULL ELSE ${x}::text END`;
  const length = (x: string) =>
    `CASE WHEN jsonb_typeof(${x}) = 'string' AND length(${x} #>> '{}') > ${chars}
       THEN length(${x} #>> '{}') END`;
  return `jsonb_build_object('kind', jsonb_typeof(${v}), 'size', ${size(v)},
      'preview', ${preview(v)}, 'length', ${length(v)},
      'entries', (SELECT coalesce(jsonb_agg(jsonb_build_array(e.k, jsonb_typeof(e.v),
                    ${size('e.v')}, ${preview('e.v')}, ${length('e.v')})
                  ORDER BY e.i), '[]'::jsonb)
           FROM (SELECT * FROM (
                   SELECT key AS k, value AS v, ord AS i FROM jsonb_each(
                     CASE jsonb_typeof(${v}) WHEN 'object' THEN ${v} ELSE '{}'::jsonb END)
                     WITH ORDINALITY AS t(key, value, ord)
                   UNION ALL
                   SELECT (ord - 1)::text, value, ord FROM jsonb_array_elements(
                     CASE jsonb_typeof(${v}) WHEN 'array' THEN ${v} ELSE '[]'::jsonb END)
                     WITH ORDINALITY AS t(value, ord)) c
                 ORDER BY c.i OFFSET ${offset} LIMIT ${limit}) e))`;
}

/** The root's view stored for a node run's output, as `shallowViewSql` computes it (SQL). */
export const storedRootSql = (nodeRuns: string) =>
  `SELECT n.identifier, ${shallowViewSql('v.j', { offset: 0, limit: STORED_ROOT.limit }, STORED_ROOT.previewChars)}
   FROM ${nodeRuns} n, LATERAL (SELECT n.output AS j OFFSET 0) v
   WHERE pg_column_size(n.output) >= ${STORED_ROOT.minStoredBytes}`;

/**
 * Computes and keeps the root's shallow view of a node run's output just written (or drops the
 * one kept for a previous output now small): one detoast of the output at write time instead of
 * one per shallow read of its root.
 */
export async function storeOutputRoot(tx: DbOrTx, nodeRunIdentifier: string) {
  await tx.execute(
    sql`DELETE FROM node_run_output_roots WHERE node_run_identifier = ${nodeRunIdentifier}`,
  );
  await tx.execute(
    sql`INSERT INTO node_run_output_roots (node_run_identifier, root)
        ${sql.raw(storedRootSql('node_runs'))} AND n.identifier = ${nodeRunIdentifier}`,
  );
}

/** A copied node run (a re-run's reused one) keeps its original's stored root. */
export async function copyOutputRoot(tx: Tx, from: string, to: string) {
  await tx.execute(
    sql`INSERT INTO node_run_output_roots (node_run_identifier, root)
        SELECT ${to}, root FROM node_run_output_roots WHERE node_run_identifier = ${from}`,
  );
}

/**
 * The value at `path` (keys and array indexes as text) inside a node run's output, read in
 * PostgreSQL without turning the whole output into text (ShallowView; `view.kind` null when the
 * path names nothing). The root of a large output, asked for from its first child, comes from
 * node_run_output_roots without reading the output at all; any other value reads the output
 * once (detoasting and decompressing it whole: ~60 ms of PostgreSQL CPU for 10 MB).
 */
export async function shallowNodeRunOutput(
  db: DbOrTx,
  identifier: string,
  path: string[],
  page: { offset: number; limit: number },
  previewChars: number,
): Promise<ShallowOutputRow | undefined> {
  const facts = sql`n.status, run.allow_anyone_to_view AS "allowAnyoneToView",
          run.created_by AS "createdBy", pg_column_size(n.output) AS "storedBytes"`;
  const from = sql`node_runs n JOIN workflow_runs run ON run.identifier = n.workflow_run_identifier`;
  if (
    path.length === 0 &&
    page.offset === 0 &&
    page.limit <= STORED_ROOT.limit &&
    previewChars === STORED_ROOT.previewChars
  ) {
    const [row] = await selectRows<Omit<ShallowOutputRow, 'view'> & { view: ShallowView | null }>(
      db,
      sql`SELECT ${facts}, r.root AS view FROM ${from}
          LEFT JOIN node_run_output_roots r ON r.node_run_identifier = n.identifier
          WHERE n.identifier = ${identifier}`,
    );
    if (!row) return undefined;
    if (row.view)
      return { ...row, view: { ...row.view, entries: row.view.entries.slice(0, page.limit) } };
  }
  const [row] = await selectRows<ShallowOutputRow>(
    db,
    sql`SELECT ${facts}, ${sql.raw(shallowViewSql('v.j', page, previewChars))} AS view
        FROM ${from}, LATERAL (SELECT n.output #> ${sql.param(path)}::text[] AS j OFFSET 0) v
        WHERE n.identifier = ${identifier}`,
  );
  return row;
}

/** One page of runs matching `query`, among those `visible` lets through, newest first. */
export async function listWorkflowRuns(db: DbOrTx, query: RunsListQuery, visible: SQL | undefined) {
  const where: (SQL | undefined)[] = [];
  if (query.workflowIdentifiers?.length)
    where.push(inArray(workflowRuns.workflowIdentifier, query.workflowIdentifiers));
  if (query.workflowRunIdentifiers?.length)
    where.push(inArray(workflowRuns.identifier, query.workflowRunIdentifiers));
  if (query.workflowVersions?.length)
    where.push(inArray(workflowRuns.workflowVersion, query.workflowVersions));
  if (query.statuses?.length) where.push(inArray(workflowRuns.status, query.statuses));
  if (query.results?.length) where.push(inArray(workflowRuns.result, query.results));
  if (query.createdBy) where.push(eq(workflowRuns.createdBy, query.createdBy));
  if (query.entity) where.push(eq(workflowRuns.entity, query.entity));
  if (query.from) where.push(gte(workflowRuns.createdAt, new Date(query.from)));
  if (query.to) where.push(lte(workflowRuns.createdAt, new Date(query.to)));
  if (query.failedNode) {
    where.push(sql`EXISTS (SELECT 1 FROM node_runs n
      WHERE n.workflow_run_identifier = ${workflowRuns.identifier}
        AND n.node_identifier = ${query.failedNode} AND n.result = 'FAILED')`);
  }
  where.push(visible);
  if (query.cursor) {
    const c = decodeCursor(query.cursor, isStringKey, 'cursor');
    where.push(olderThan(workflowRuns.createdAt, workflowRuns.identifier, c));
  }
  const summary = query.view === 'summary' || query.view === 'ids';
  const rows = await db
    .select({
      ...getTableColumns(workflowRuns),
      // A summary never reads the outputs (often the bulk of a run, stored out of line).
      ...(summary ? { outputs: sql<unknown>`'{}'::jsonb` } : {}),
      cursorAt: exactAt(workflowRuns.createdAt),
    })
    .from(workflowRuns)
    .where(and(...where))
    .orderBy(...newestFirst(workflowRuns.createdAt, workflowRuns.identifier))
    .limit(query.limit + 1)
    .offset(query.cursor ? 0 : (query.offset ?? 0));
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > query.limit && last
      ? encodeCursor({ t: last.cursorAt, k: last.identifier })
      : null;
  if (query.view === 'ids') {
    return {
      workflowRuns: page.map((r) => ({
        identifier: r.identifier,
        createdAt: r.createdAt.toISOString(),
      })),
      nextCursor,
    };
  }
  const ids = page.map((r) => r.identifier);
  const nodeRows = ids.length
    ? await db
        .select({
          ...getTableColumns(nodeRuns),
          ...(summary ? { output: sql<unknown>`'{}'::jsonb` } : {}),
        })
        .from(nodeRuns)
        .where(inArray(nodeRuns.workflowRunIdentifier, ids))
        .orderBy(asc(nodeRuns.ord))
    : [];
  const byRun = groupBy(nodeRows, (r) => r.workflowRunIdentifier);
  return {
    workflowRuns: page.map((r) => {
      const run = toWorkflowRun(r, byRun.get(r.identifier) ?? []);
      return summary ? toWorkflowRunSummary(run) : run;
    }),
    nextCursor,
  };
}

export function parseSeqCursor(raw: string | undefined): number {
  if (raw === undefined) return 0;
  if (!seqCursor.safeParse(raw).success) {
    throw invalid('cursor must be the nextCursor of a previous page');
  }
  return Number(raw);
}

export interface LogScope {
  /** Whose lines: one node run's (paged by `seq`) or a whole run's (paged by `runSeq`). */
  of: { nodeRun: string } | { run: string };
  /** No line can follow: the node run (or run) has completed. */
  finished: boolean;
  /** The node run's per-level counters, when known; they spare a count(*). */
  counts: Record<LogLevel, number> | null;
  /** The lines' keys, when the caller has read the rows already; else they are looked up. */
  keys?: LogKeys;
  /**
   * The scope's last line's sequence number, when known: a page after it is empty, and a
   * search's count in steps knows how long the unsealed tail is (searchLogPage's readsFew).
   */
  lastSeq?: number;
}

/**
 * One page of log lines in sequence order, resuming after `cursor`. `nextCursor` is null only
 * when no line can follow: the scope is finished and the page is short or a tail page; otherwise
 * it is where the next poll resumes. `total=false` leaves the total out, `total=only` answers
 * the total alone (no lines, `nextCursor` null): the viewer asks for both at once so a search's
 * first match does not wait for its count.
 */
export async function readLogPage(db: DbOrTx, scope: LogScope, query: LogsQuery) {
  const byNodeRun = 'nodeRun' in scope.of;
  const seqCol = byNodeRun ? logLines.seq : logLines.runSeq;
  const lineFilters: SQL[] = [];
  if (query.level?.length) lineFilters.push(inArray(logLines.level, query.level));
  // Only WARN and ERROR lines: only the blocks holding one (their partial indexes).
  if (levelIndexServes(query.level)) lineFilters.push(sql`log_lines.block_marked`);
  if (query.q) {
    // A block whose text lacks the term is not unnested (db/log-filter.ts blockMayMatch).
    lineFilters.push(blockMayMatch(logLines.blockText, query.q));
    lineFilters.push(messageMatches(logLines.message, query.q));
  }
  const after = parseSeqCursor(query.cursor);
  const want = query.total ?? 'true';
  const upTo = query.upTo === undefined ? undefined : Number(query.upTo);
  if (upTo !== undefined && want !== 'only') {
    throw invalid('upTo bounds a count: it goes with total=only');
  }
  const keys = scope.keys ?? (await logKeysOf(db, scope.of));
  // A whole run's lines by run_seq: through its segments (db/log-segments.ts).
  const run = !byNodeRun && keys ? keys.runKey : null;
  const runLast = run === null ? 0 : (scope.lastSeq ?? (await runLastSeq(db, run)));
  // A whole run's lines are numbered 1…runLast without gaps: a stretch's count needs no read.
  const stretchCount =
    run !== null && upTo !== undefined && !query.q && !query.level?.length
      ? Math.max(0, Math.min(upTo, runLast) - after)
      : undefined;
  // A search's count may go past upTo when that is cheap (below); a plain count stops there.
  if (upTo !== undefined && !query.q && stretchCount === undefined) {
    lineFilters.push(
      run !== null ? await runStretch(db, run, after, upTo) : linesIn(byNodeRun, after, upTo),
    );
  }
  const filters = [logOwner(keys), ...lineFilters];
  const tail = query.tail === 'true' && query.cursor === undefined;
  const seqOf = byNodeRun ? 'seq' : 'runSeq';
  // Nothing after the cursor (the usual poll): answered from the scope's line count alone.
  // Nothing after the cursor (the usual poll), or no line at the levels asked for (the scope's
  // counters say so): answered without reading a line.
  const noneAtLevels =
    !!scope.counts && !!query.level?.length && query.level.every((l) => scope.counts![l] === 0);
  const nothingNew =
    (scope.lastSeq !== undefined && after >= scope.lastSeq && !query.q) || noneAtLevels;
  const { rows, total, countedTo } = query.q
    ? await searchLogPage(db, scope.of, keys, query.q, lineFilters, {
        after,
        tail,
        limit: query.limit,
        want,
        upTo,
        levels: [...new Set(query.level ?? [])].sort().join(','),
        lastSeq: scope.lastSeq,
        run: run === null ? null : { key: run, last: runLast },
      })
    : {
        rows:
          want === 'only' || nothingNew
            ? []
            : await (
                run !== null
                  ? readRunInStretches(
                      db,
                      run,
                      {
                        after,
                        last: runLast,
                        desc: tail,
                        limit: query.limit,
                        // By position, the page itself; filtered, a few chunks' worth first.
                        first: lineFilters.length ? Math.max(query.limit, 4096) : query.limit,
                      },
                      (stretch, limit) =>
                        selectLogLines(db)
                          .where(and(...filters, stretch))
                          .orderBy(tail ? desc(seqCol) : asc(seqCol))
                          .limit(limit),
                    )
                  : keys?.nodeKey != null
                    ? readInStretches(
                        {
                          after,
                          last: scope.lastSeq ?? (await nodeLastSeq(db, keys.nodeKey)),
                          desc: tail,
                          limit: query.limit,
                          first: lineFilters.length ? Math.max(query.limit, 4096) : query.limit,
                        },
                        (lo, hi) => linesIn(true, lo, hi),
                        (stretch, limit) =>
                          selectLogLines(db)
                            .where(and(...filters, stretch))
                            .orderBy(tail ? desc(seqCol) : asc(seqCol))
                            .limit(limit),
                      )
                    : Promise.resolve([])
              ).then((page) => (tail ? page.reverse() : page)),
        total:
          want === 'false'
            ? undefined
            : noneAtLevels
              ? 0
              : (stretchCount ??
                (await countLogs(
                  db,
                  // A whole run's count that the counters cannot give reads its segments' ranges.
                  run !== null && upTo === undefined && !scope.counts
                    ? [...filters, await runStretch(db, run, 0, runLast)]
                    : filters,
                  scope.counts,
                  query,
                ))),
        countedTo: upTo,
      };
  if (want === 'only') {
    const more =
      countedTo !== undefined && (scope.lastSeq === undefined || countedTo < scope.lastSeq);
    return { rows, seqOf, nextCursor: more ? String(countedTo) : null, total } as const;
  }
  const lastSeq = rows.length ? rows[rows.length - 1]![seqOf] : after;
  const nextCursor = scope.finished && (tail || rows.length < query.limit) ? null : String(lastSeq);
  return { rows, seqOf, nextCursor, total } as const;
}

/** The level filter's index (the blocks holding a WARN or ERROR line, by node run and first seq) serves `levels`. */
const levelIndexServes = (levels: readonly string[] | undefined) =>
  !!levels?.length && levels.every((l) => l === 'WARN' || l === 'ERROR');

/** A node run's line count (its `log_seq`), by its log key. */
async function nodeLastSeq(db: DbOrTx, nodeKey: number) {
  const [row] = await selectRows<{ n: number }>(
    db,
    sql`SELECT log_seq AS n FROM node_runs WHERE log_key = ${nodeKey}`,
  );
  return row?.n ?? 0;
}

/** A run's line count (its `log_seq`), by its log key. */
async function runLastSeq(db: DbOrTx, runKey: number) {
  const [row] = await selectRows<{ n: number }>(
    db,
    sql`SELECT log_seq AS n FROM workflow_runs WHERE log_key = ${runKey}`,
  );
  return row?.n ?? 0;
}

interface SearchPage {
  /** A whole run's search read through its segments: its key and line count (readLogPage's). */
  run: { key: number; last: number } | null;
  after: number;
  tail: boolean;
  limit: number;
  want: 'true' | 'false' | 'only';
  /** The total counts the matches in (after, upTo] only, or past it when that is cheap. */
  upTo?: number | undefined;
  /** The level filter, sorted and joined ('' for all): part of a kept count's key. */
  levels: string;
  /** The scope's last line (LogScope's), when known: how long the unsealed tail is. */
  lastSeq?: number | undefined;
}

/**
 * A search page and its total through the chunk index (db/log-chunks.ts): only the sealed chunks
 * whose words can hold `q`, and the unsealed tail, are read. A node run's page reads the next
 * 8 192 lines first; then the candidates in order, one chunk first and four times as many each
 * round, so a page stops at the first chunks that hold enough matches (when the index ruled out
 * most chunks and the total is wanted too, all candidates in one query). The total reads every
 * candidate when the index ruled out most chunks, or else the whole scope (a parallel scan beats
 * range scans of most of it), unless the page already saw every match (it is not full and starts
 * at the beginning or end); `upTo` bounds it to a stretch of lines.
 * A term without a word of 3 characters cannot use the index: its page and total read the scope
 * in order.
 */
async function searchLogPage(
  db: DbOrTx,
  of: LogScope['of'],
  keys: LogKeys | null,
  q: string,
  lineFilters: SQL[],
  page: SearchPage,
) {
  const byNodeRun = 'nodeRun' in of;
  const seqCol = byNodeRun ? logLines.seq : logLines.runSeq;
  // Within one node run run_seq grows with seq, so both scopes read each range in seq order.
  const order = page.tail ? sql`DESC` : sql`ASC`;
  const matching = (part: readonly LineRange[] | null, limit: number, after: SQL) =>
    selectRows<{ s: number }>(
      db,
      part
        ? sql`SELECT x.s FROM ${perRange(
            part,
            keys?.runKey ?? 0,
            // The scope's keys beside the range keep the read to one partition.
            (inRange, from) => sql`SELECT ${seqCol} AS s FROM ${from}
              WHERE ${and(inRange, logOwner(keys), ...lineFilters, after)}
              ORDER BY ${logLines.seq} ${order} LIMIT ${limit}`,
          )} ORDER BY 1 ${order} LIMIT ${limit}`
        : sql`SELECT ${seqCol} AS s FROM ${logLines}
              WHERE ${and(logOwner(keys), ...lineFilters, after)}
              ORDER BY 1 ${order} LIMIT ${limit}`,
    ).then((found) => found.map((r) => r.s));

  const seqs: number[] = [];
  // A node run's page first reads the next few chunks' worth of lines in order, without the
  // index: a common term fills its page there, and asking the index which chunks hold a word
  // found in most of them costs more (each candidate's words are read to confirm it).
  const probe = byNodeRun && !page.tail && page.want !== 'only';
  let from = page.after;
  if (probe) {
    from = page.after + PROBE_LINES;
    // In stretches from the page's size (a block is unnested whole, and lines sorted once all
    // of a stretch's blocks are: a term on most lines fills its page in the first blocks).
    seqs.push(
      ...(await readInStretches(
        {
          after: page.after,
          last: from,
          desc: false,
          limit: page.limit,
          first: Math.max(page.limit, 1024),
        },
        (lo, hi) => linesIn(byNodeRun, lo, hi),
        (stretch, limit) => matching(null, limit, stretch),
      )),
    );
  }
  // A node run's count of a term kept from the start reads only the lines after it: no need
  // to ask the chunk index (a transaction and a GIN lookup) for the few lines left.
  const countKey =
    page.want === 'only' && byNodeRun && keys?.nodeKey != null
      ? { nodeKey: keys.nodeKey, term: q, levels: page.levels }
      : null;
  const countFrom = page.upTo === undefined ? 0 : page.after;
  const kept = countKey ? await cachedCount(db, countKey) : null;
  // A count kept for (0, countFrom]: this count, from countFrom, extends it.
  const extend = kept && kept.sealedTo === countFrom ? kept : null;
  /** Keeps this term's count of the node run's lines (0, sealedTo] (all of them sealed). */
  const keep = (sealedTo: number, matches: number) =>
    storeCount(db, { ...countKey!, runKey: keys!.runKey }, { sealedTo, matches });
  /**
   * A count in steps (upTo) weighs the lines after `from` it would read line by line to go to the
   * end at once: those after a kept count, or the unsealed tail. A count to the end reads them
   * anyway (0).
   */
  const toReadAfter = (from: number) =>
    page.upTo === undefined ? 0 : unsealedAfter(page.lastSeq, from);
  // (In steps, only when what it leaves to read — lines sealed since and the tail — is at most a
  // quarter of the lines: a burst of lines after the count was kept goes in steps, as below.)
  if (
    countKey &&
    kept &&
    countFrom === 0 &&
    toReadAfter(kept.sealedTo) * 4 <= (page.lastSeq ?? 0)
  ) {
    const sealedTo = await lastSealedSeq(db, countKey.nodeKey);
    const after = linesIn(byNodeRun, kept.sealedTo);
    const counted = await countMatches(db, keys, null, [...lineFilters, after], sealedTo);
    if (sealedTo > kept.sealedTo) await keep(sealedTo, kept.matches + counted.sealed);
    return { rows: [], total: kept.matches + counted.n, countedTo: undefined };
  }
  const levels = page.levels ? page.levels.split(',') : [];
  // The term's words as the chunk index looks them up: a query, asked once whichever of the
  // counts and the page below needs them.
  let patternsAsked: Promise<string[]> | null = null;
  const patternsOf = () => (patternsAsked ??= chunkPatterns(db, q));
  // A whole run's count from the start: its node runs' counts from their chunks' rows, summed.
  if (
    'run' in of &&
    keys &&
    page.want === 'only' &&
    (page.upTo === undefined || page.after === 0)
  ) {
    const total = await runCountFromChunks(
      db,
      of.run,
      keys.runKey,
      q,
      patternsOf,
      levels,
      lineFilters,
      toReadAfter,
    );
    if (total !== null) return { rows: [], total, countedTo: undefined };
  }
  // A whole word or a part of one: counted from the sealed chunks' word counts, reading only
  // the chunks they cannot answer and the tail, to the end at once; but a count in steps (upTo)
  // that would read more than a quarter of the chunks goes in steps as below.
  const term = countKey ? countableTerm(q) : null;
  const chunks = countKey
    ? await nodeCountFromChunks(
        db,
        { nodeKey: countKey.nodeKey, runKey: keys!.runKey },
        q,
        term,
        patternsOf,
        levels,
        countFrom,
      )
    : null;
  // (A term's lines that narrow nothing, each chunk read whole, are read as below instead: the
  // whole scope in one scan, which PostgreSQL runs in parallel, not chunk by chunk.)
  if (
    countKey &&
    chunks &&
    ((page.upTo === undefined && term) ||
      readsFew(chunks, toReadAfter(Math.max(chunks.sealedTo, countFrom))))
  ) {
    const counted = await countRest(db, keys, chunks, [
      ...lineFilters,
      linesIn(byNodeRun, countFrom),
    ]);
    if ((countFrom === 0 || extend) && chunks.sealedTo > countFrom)
      await keep(chunks.sealedTo, (extend?.matches ?? 0) + counted.sealed);
    return { rows: [], total: counted.n, countedTo: undefined };
  }
  const pageDone = page.want === 'only' || seqs.length >= page.limit;
  // 4 matches in the first 2 chunks' worth of lines: nearly every chunk would be a candidate,
  // so the index cannot narrow the page or the count; read on in order.
  const dense = probe && seqs.length >= 4;
  const patterns = dense ? [] : await patternsOf();
  const ranges =
    patterns.length && (!pageDone || page.want !== 'false')
      ? await candidateRanges(db, of, patterns)
      : null;
  const narrow = ranges !== null && rulesOutMost(ranges);
  if (!pageDone) {
    const after = linesIn(byNodeRun, from);
    // In order, one candidate chunk first: a page that needs a few matches (the viewer's first
    // one asks for one) stops at the first chunk that really holds the term. With its total in
    // the same answer, a narrow search reads its few candidates in one query instead.
    if (ranges && byNodeRun && (!narrow || page.want === 'false')) {
      const ordered = (page.tail ? [...ranges].reverse() : ranges).filter((r) => r.hi > from);
      for (let i = 0, group = 1; i < ordered.length && seqs.length < page.limit; group *= 4) {
        seqs.push(
          ...(await matching(ordered.slice(i, i + group), page.limit - seqs.length, after)),
        );
        i += group;
      }
    } else if (page.run && !narrow) {
      // A whole run's lines in order, stretch by stretch through its segments.
      const run = page.run;
      seqs.push(
        ...(await readRunInStretches(
          db,
          run.key,
          {
            after: from,
            last: run.last,
            desc: page.tail,
            limit: page.limit - seqs.length,
            first: 4096,
          },
          (stretch, limit) => matching(null, limit, stretch),
        )),
      );
    } else if (byNodeRun && !narrow && keys?.nodeKey != null) {
      // A node run's lines in order, stretch by stretch (its blocks named by each): the page
      // stops at the blocks that fill it, not after unnesting every block after the cursor.
      const nodeKey = keys.nodeKey;
      seqs.push(
        ...(await readInStretches(
          {
            after: from,
            last: page.lastSeq ?? (await nodeLastSeq(db, nodeKey)),
            desc: page.tail,
            limit: page.limit - seqs.length,
            first: 4096,
          },
          (lo, hi) => linesIn(true, lo, hi),
          (stretch, limit) => matching(null, limit, stretch),
        )),
      );
    } else {
      seqs.push(...(await matching(narrow ? ranges : null, page.limit - seqs.length, after)));
    }
  }
  let total: number | undefined;
  // A count in steps (upTo) goes to the end at once when the index left few candidates to read.
  const countedTo = narrow ? undefined : page.upTo;
  if (countKey) {
    // A node run's count keeps what it counted in sealed lines (log_search_counts): from the
    // start (none kept yet), or as the step after a kept first step. (The cursor bounds a
    // count only with upTo, as below.)
    const sealed = ranges?.find((r) => r.hi === UNSEALED_END)?.lo;
    const sealedTo = sealed !== undefined ? sealed - 1 : await lastSealedSeq(db, countKey.nodeKey);
    const stretch: SQL[] = [linesIn(byNodeRun, countFrom, countedTo)];
    const counted = await countMatches(
      db,
      keys,
      narrow ? ranges : null,
      [...lineFilters, ...stretch],
      sealedTo,
    );
    total = counted.n;
    const keepTo = Math.min(sealedTo, countedTo ?? sealedTo);
    if ((countFrom === 0 || extend) && keepTo > countFrom)
      await keep(keepTo, (extend?.matches ?? 0) + counted.sealed);
  } else if (page.want !== 'false') {
    const whole =
      page.want !== 'only' && seqs.length < page.limit && (page.after === 0 || page.tail);
    const stretch: SQL[] = [];
    if (page.run && !narrow) {
      // A whole run's stretch (or all of it) as its node runs' ranges (db/log-segments.ts).
      stretch.push(
        await runStretch(
          db,
          page.run.key,
          page.upTo !== undefined ? page.after : 0,
          countedTo ?? page.run.last,
        ),
      );
    } else {
      if (page.upTo !== undefined || countedTo !== undefined)
        stretch.push(linesIn(byNodeRun, page.upTo !== undefined ? page.after : 0, countedTo));
    }
    // A node run's page with its total (Port's default): the total of a whole word or a part of
    // one from the chunks' word counts too.
    const term = byNodeRun && keys?.nodeKey != null && !stretch.length ? countableTerm(q) : null;
    total = whole
      ? seqs.length
      : term
        ? (
            await countRest(
              db,
              keys,
              await countFromChunks(
                db,
                { nodeKey: keys!.nodeKey!, runKey: keys!.runKey },
                term,
                levels,
                0,
              ),
              lineFilters,
            )
          ).n
        : (await countMatches(db, keys, narrow ? ranges : null, [...lineFilters, ...stretch])).n;
  }
  const rows = seqs.length
    ? await selectLogLines(db)
        .where(
          and(
            logOwner(keys),
            byNodeRun || !keys
              ? sql`${seqCol} = ANY(${sql.param(seqs)}::int[])
                  AND ${
                    keys?.nodeKey != null
                      ? await blocksAt(
                          db,
                          keys.runKey,
                          seqs.map((seq) => ({ nodeKey: keys.nodeKey!, seq })),
                        )
                      : sql`false`
                  }`
              : await runLinesAt(db, keys.runKey, seqs),
          ),
        )
        .orderBy(asc(seqCol))
    : [];
  return { rows, total, countedTo };
}

/**
 * A count from the chunks' word counts (db/log-chunks.ts countFromChunks) completed by reading
 * what they left: `n` every match, `sealed` those up to the node run's last sealed line.
 */
async function countRest(db: DbOrTx, keys: LogKeys | null, chunks: ChunkCount, lineFilters: SQL[]) {
  const read = await countMatches(db, keys, chunks.read, lineFilters, chunks.sealedTo);
  return { n: chunks.counted + read.n, sealed: chunks.counted + read.sealed };
}

/**
 * A node run's count of a term from its chunks' rows after seq `after`: a word or a part of one
 * (`term`, countableTerm's) from the words' counts; any other term (several words, punctuation)
 * from the lines listed for its words (`patternsOf`, chunkPatterns', db/log-chunks.ts
 * termLines), a term of two words or more (`q`, phraseTerm's) from the chunks' kept pairs
 * where they tell, and one word with separators around it (edgedWord's: `" failed"`,
 * `"failed "`) from its counted words' edges where they tell (countEdgedWord). Null when the
 * chunks index no word of it.
 */
async function nodeCountFromChunks(
  db: DbOrTx,
  keys: { nodeKey: number; runKey: number },
  q: string,
  term: string | null,
  patternsOf: () => Promise<string[]>,
  levels: string[],
  after: number,
): Promise<ChunkCount | null> {
  if (term) return countFromChunks(db, keys, term, levels, after);
  const edged = edgedWord(q);
  if (edged) return countEdgedWord(db, keys, edged, levels, after);
  const patterns = await patternsOf();
  return patterns.length ? termLines(db, keys, patterns, after, phraseTerm(q), levels) : null;
}

/**
 * A whole run's matches of `q`: each node run's from its chunks' rows (nodeCountFromChunks),
 * what they leave read in one statement for every node run. Null when that would read more than
 * a quarter of the run's lines (readsFew; the unsealed tails weighed by `toReadAfter`), or
 * `q` has no word the chunks index (the caller reads as before).
 */
async function runCountFromChunks(
  db: DbOrTx,
  run: string,
  runKey: number,
  q: string,
  patternsOf: () => Promise<string[]>,
  levels: string[],
  lineFilters: SQL[],
  toReadAfter: (from: number) => number,
): Promise<number | null> {
  const term = countableTerm(q);
  if (!term && !(await patternsOf()).length) return null;
  const nodes = await selectRows<{ k: number }>(
    db,
    sql`SELECT log_key AS k FROM node_runs WHERE workflow_run_identifier = ${run}`,
  );
  const parts: ChunkCount[] = [];
  for (const { k } of nodes) {
    const part = await nodeCountFromChunks(
      db,
      { nodeKey: k, runKey },
      q,
      term,
      patternsOf,
      levels,
      0,
    );
    if (!part) return null;
    parts.push(part);
  }
  const whole: ChunkCount = {
    counted: parts.reduce((sum, p) => sum + p.counted, 0),
    read: parts.flatMap((p) => p.read),
    sealedTo: 0,
    chunks: parts.reduce((sum, p) => sum + p.chunks, 0),
  };
  // The run's lines are numbered 1…lastSeq across its node runs: those not in a sealed chunk
  // are its node runs' tails.
  const sealed = parts.reduce((sum, p) => sum + p.sealedTo, 0);
  if (!readsFew(whole, toReadAfter(sealed))) return null;
  const read = await countMatches(db, { nodeKey: null, runKey }, whole.read, lineFilters);
  return whole.counted + read.n;
}

/**
 * A count from the chunks' rows leaves at most a quarter of the lines after its cursor to read,
 * the unsealed tail (`unsealed` lines) included: it goes to the end at once, not in steps. (A
 * sealer behind a fresh ingest leaves a long tail, read line by line: that goes in steps.)
 */
function readsFew(chunks: ChunkCount, unsealed: number): boolean {
  const lines = chunks.read
    .filter((r) => r.hi !== UNSEALED_END)
    .reduce((sum, r) => sum + r.hi - r.lo + 1, 0);
  return (lines + unsealed) * 4 <= chunks.chunks * CHUNK_LINES + unsealed;
}

/** Lines after `from` up to the scope's last (0 when that is not known). */
const unsealedAfter = (lastSeq: number | undefined, from: number) =>
  lastSeq === undefined ? 0 : Math.max(0, lastSeq - from);

/** Lines a node run's search page reads in order before asking the chunk index. */
const PROBE_LINES = 8_192;

/**
 * Matching lines in the candidate ranges, or in the whole scope when no chunk was ruled out (then
 * without the blocks' test, log-filter.ts withoutBlockTests); `sealed`: those at or before
 * `sealedTo` (a node run's last sealed line), when given.
 * (Counting the ranges as the arms of one UNION ALL, which PostgreSQL runs as a Parallel Append,
 * was tried: at load 13–15 it cost 20–60 ms more CPU per count and was no faster.)
 */
async function countMatches(
  db: DbOrTx,
  keys: LogKeys | null,
  ranges: readonly LineRange[] | null,
  lineFilters: SQL[],
  sealedTo = 0,
) {
  const counts = (where: SQL | undefined, from: SQL = sql`${logLines}`) =>
    sql`SELECT count(*) AS n, count(*) FILTER (WHERE ${logLines.seq} <= ${sealedTo}) AS s
        FROM ${from} WHERE ${where}`;
  const query = ranges
    ? sql`SELECT sum(x.n) AS n, sum(x.s) AS s FROM ${perRange(
        ranges,
        keys?.runKey ?? 0,
        (inRange, from) => counts(and(inRange, logOwner(keys), ...lineFilters), from),
      )}`
    : counts(and(logOwner(keys), ...withoutBlockTests(lineFilters)));
  const [row] = await selectRows<{ n: string | number | null; s: string | number | null }>(
    db,
    query,
  );
  return { n: Number(row?.n ?? 0), sealed: Number(row?.s ?? 0) };
}

async function countLogs(
  db: DbOrTx,
  filters: (SQL | undefined)[],
  counts: Record<LogLevel, number> | null,
  query: LogsQuery,
) {
  if (counts && !query.q && query.upTo === undefined) {
    const levels = query.level?.length ? query.level : (Object.keys(counts) as LogLevel[]);
    return levels.reduce((sum, l) => sum + counts[l], 0);
  }
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(logLines)
    .where(and(...filters));
  return Number(row?.n ?? 0);
}

/** The 4-byte keys a node run's (or a run's) lines carry; null if there is no such one. */
export interface LogKeys {
  nodeKey: number | null;
  runKey: number;
}

/**
 * Looks up the keys of a scope's lines once, so the lines are read by constants: with the run's
 * key in the query PostgreSQL plans only the partition that holds them (an init plan, or a
 * node run's key alone, would plan and probe every partition).
 */
export async function logKeysOf(
  db: DbOrTx,
  of: { nodeRun: string } | { run: string },
): Promise<LogKeys | null> {
  const [row] = await selectRows<{ node: number | null; run: number }>(
    db,
    'nodeRun' in of
      ? sql`SELECT n.log_key AS node, r.log_key AS run FROM node_runs n
            JOIN workflow_runs r ON r.identifier = n.workflow_run_identifier
            WHERE n.identifier = ${of.nodeRun}`
      : sql`SELECT NULL::int AS node, log_key AS run FROM workflow_runs WHERE identifier = ${of.run}`,
  );
  return row ? { nodeKey: row.node, runKey: row.run } : null;
}

/** Lines of a node run (by its key and its run's) or a whole run (its key); none if unknown. */
export function logOwner(keys: LogKeys | null): SQL {
  if (!keys) return sql`false`;
  return keys.nodeKey === null
    ? sql`${logLines.runKey} = ${keys.runKey}`
    : sql`${logLines.nodeKey} = ${keys.nodeKey} AND ${logLines.runKey} = ${keys.runKey}`;
}

/** Log lines as the API shows them: the node run's text id joined back from its key. */
export function selectLogLines(db: DbOrTx) {
  return db
    .select({
      id: logLines.id,
      seq: logLines.seq,
      runSeq: logLines.runSeq,
      nodeRunIdentifier: nodeRuns.identifier,
      level: logLines.level,
      message: logLines.message,
      tags: logLines.tags,
      createdAt: logLines.createdAt,
    })
    .from(logLines)
    .innerJoin(nodeRuns, eq(nodeRuns.logKey, logLines.nodeKey));
}

/** Lines inlined into a run at most: its first ones. */
const INLINE_LINES = 10_000;

/** Lines inlined into a run for Port's older `nodeRunLogs` shape (`?includeLogs=true`). */
export async function inlineLogs(db: DbOrTx, runIdentifier: string) {
  const keys = await logKeysOf(db, { run: runIdentifier });
  const rows = keys
    ? await selectLogLines(db)
        .where(and(logOwner(keys), await runStretch(db, keys.runKey, 0, INLINE_LINES)))
        .orderBy(asc(logLines.runSeq))
    : [];
  return groupBy(rows, (r) => r.nodeRunIdentifier);
}
