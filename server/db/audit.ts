import { and, eq, getTableColumns, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { RunSource } from '../../contract/actions';
import type {
  AuditAction,
  AuditEntry,
  AuditLogEntry,
  AuditQuery,
  AuditResource,
} from '../../contract/entities';
import { randomId16 } from '../domain/ids';
import { selectRows, type DbOrTx } from './client';
import { decodeCursor, encodeCursor, exactAt, isSeqKey, newestFirst, olderThan } from './cursor';
import { actionRuns, auditLog, workflowRuns, workflows } from './schema';

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditInput {
  action: AuditAction;
  resourceType: AuditResource;
  userId: string;
  origin: RunSource;
  at: Date;
  blueprintIdentifier: string | null;
  entityIdentifier: string | null;
  runId: string | null;
  actionIdentifier?: string | null;
  /** [ext] The tied workflow run's workflow, as the entry names it for good. */
  workflow?: AuditWorkflow | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** FAILURE: something refused (a failed sign-in); SUCCESS unless said. */
  status?: 'SUCCESS' | 'FAILURE';
  /** The tied run's visibility; an entry without a run is visible to everyone. */
  run?: { allowAnyoneToView: boolean; createdBy: string } | null;
}

/** A workflow as an audit entry names it: its identifier, and its title as the run has it. */
export interface AuditWorkflow {
  identifier: string;
  title: string | null;
}

export const newAuditId = () => `aud_${randomId16()}`;

export function auditValues(input: AuditInput) {
  return {
    identifier: newAuditId(),
    action: input.action,
    resourceType: input.resourceType,
    status: input.status ?? ('SUCCESS' as const),
    userId: input.userId,
    origin: input.origin,
    at: input.at,
    blueprintIdentifier: input.blueprintIdentifier,
    entityIdentifier: input.entityIdentifier,
    runId: input.runId,
    actionIdentifier: input.actionIdentifier ?? null,
    workflowIdentifier: input.workflow?.identifier ?? null,
    workflowTitle: input.workflow?.title ?? null,
    diff: { before: input.before, after: input.after },
    allowAnyoneToView: input.run?.allowAnyoneToView ?? true,
    runCreatedBy: input.run?.createdBy ?? null,
  };
}

export async function recordAudit(db: DbOrTx, input: AuditInput) {
  const [row] = await db.insert(auditLog).values(auditValues(input)).returning();
  return row!;
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    identifier: row.identifier,
    action: row.action,
    resourceType: row.resourceType,
    status: row.status,
    trigger: { by: { userId: row.userId }, origin: row.origin, at: row.at.toISOString() },
    context: {
      // Port's names (the GitHub Action's test reads context.entity), then runs-api's.
      entity: row.entityIdentifier,
      blueprint: row.blueprintIdentifier,
      blueprintIdentifier: row.blueprintIdentifier,
      entityIdentifier: row.entityIdentifier,
      runId: row.runId,
      action: row.actionIdentifier,
      workflow: row.workflowIdentifier,
      workflowTitle: row.workflowTitle,
    },
    diff: row.diff as AuditEntry['diff'],
  };
}

/**
 * Of these ids (nulls skipped), those `kept` (a query of the ids still there, `id`, given the ids
 * as a text[]) does not answer: primary-key probes of a page's ids in a query of their own after
 * the page's. (Probed in the page's select, PostgreSQL made them hashed subplans: every page read
 * all of workflow_runs and action_runs to build the hashes, 60 ms a page of 100 with 50 000 and
 * 150 000 of them.)
 */
async function goneIds(
  db: DbOrTx,
  ids: (string | null)[],
  kept: (list: SQL) => SQL,
): Promise<Set<string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Set();
  const rows = await selectRows<{ id: string }>(db, kept(sql`${sql.param(wanted)}::text[]`));
  const there = new Set(rows.map((r) => r.id));
  return new Set(wanted.filter((id) => !there.has(id)));
}

/** [ext] Of these workflow identifiers, those no workflow has now (`workflowDeleted`). */
const goneWorkflows = (db: DbOrTx, ids: (string | null)[]) =>
  goneIds(
    db,
    ids,
    (list) => sql`SELECT identifier AS id FROM ${workflows} WHERE identifier = ANY(${list})`,
  );

/** [ext] Of these run ids, those no workflow run or action run has now (`runDeleted`). */
const goneRunIds = (db: DbOrTx, ids: (string | null)[]) =>
  goneIds(
    db,
    ids,
    (list) => sql`SELECT identifier AS id FROM ${workflowRuns} WHERE identifier = ANY(${list})
                  UNION ALL SELECT id FROM ${actionRuns} WHERE id = ANY(${list})`,
  );

/** What the server knows of why runs go: its RETENTION_DAYS (null: it keeps them), and now. */
export interface RunRetention {
  days: number | null;
  now: Date;
}

const DAY_MS = 86_400_000;

/**
 * [ext] An entry's `runDeleted` and `runRetentionDays`: a gone run was removed by retention when
 * the server deletes finished runs and the entry is older than that (a run finishes after what
 * it did, so an entry newer than RETENTION_DAYS cannot be of a run retention took).
 */
export function runGone(
  runDeleted: boolean | null,
  at: Date,
  retention: RunRetention,
): { runDeleted: boolean | null; runRetentionDays: number | null } {
  const byRetention =
    runDeleted === true &&
    retention.days !== null &&
    at.getTime() < retention.now.getTime() - retention.days * DAY_MS;
  return { runDeleted, runRetentionDays: byRetention ? retention.days : null };
}

/** One page of entries matching `query`, among those `visible` lets through, newest first. */
export async function listAudit(
  db: DbOrTx,
  query: AuditQuery,
  visible: SQL | undefined,
  retention: RunRetention,
): Promise<{ audits: AuditLogEntry[]; nextCursor: string | null }> {
  const where: (SQL | undefined)[] = [visible];
  if (query.identifier) where.push(eq(auditLog.identifier, query.identifier));
  if (query.entity) where.push(eq(auditLog.entityIdentifier, query.entity));
  if (query.blueprint) where.push(eq(auditLog.blueprintIdentifier, query.blueprint));
  if (query.run_id) where.push(eq(auditLog.runId, query.run_id));
  if (query.workflow) where.push(eq(auditLog.workflowIdentifier, query.workflow));
  if (query.resources?.length) where.push(inArray(auditLog.resourceType, query.resources));
  if (query.action?.length) where.push(inArray(auditLog.action, query.action));
  if (query.status) where.push(eq(auditLog.status, query.status));
  if (query.from) where.push(gte(auditLog.at, new Date(query.from)));
  if (query.to) where.push(lte(auditLog.at, new Date(query.to)));
  if (query.cursor) {
    const c = decodeCursor(query.cursor, isSeqKey, 'query.cursor:');
    where.push(olderThan(auditLog.at, auditLog.seq, c));
  }
  const rows = await db
    .select({ ...getTableColumns(auditLog), cursorAt: exactAt(auditLog.at) })
    .from(auditLog)
    .where(and(...where))
    .orderBy(...newestFirst(auditLog.at, auditLog.seq))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const gone = await goneRunIds(
    db,
    page.map((row) => row.runId),
  );
  const goneWorkflow = await goneWorkflows(
    db,
    page.map((row) => row.workflowIdentifier),
  );
  return {
    audits: page.map((row) => ({
      ...toAuditEntry(row),
      workflowDeleted:
        row.workflowIdentifier === null ? null : goneWorkflow.has(row.workflowIdentifier),
      ...runGone(row.runId === null ? null : gone.has(row.runId), row.at, retention),
    })),
    nextCursor:
      rows.length > query.limit && last ? encodeCursor({ t: last.cursorAt, k: last.seq }) : null,
  };
}
