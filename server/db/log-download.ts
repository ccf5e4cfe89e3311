import { and, asc, eq, gt, inArray, lte, type SQL } from 'drizzle-orm';
import type { LogLevel } from '../../contract/workflows';
import type { DbOrTx } from './client';
import { blockMayMatch, messageMatches } from './log-filter';
import { linesIn } from './log-blocks';
import { runStretch } from './log-segments';
import { actionRunLogs, logLines } from './schema';
import { logKeysOf, logOwner, selectLogLines } from './workflow-runs';

/** Rows per query of a download: a few MB at most in memory, whatever the log's length. */
export const DOWNLOAD_BATCH = 5000;

export interface LogDownloadFilter {
  levels: readonly LogLevel[];
  q: string;
}

/**
 * The lines of a node run (by `seq`) or of a whole run (by `runSeq`) up to `lastSeq`, in order,
 * as batches of `batch` numbers at a time: a node run's through its blocks' primary key, a run's
 * through its segments. Each batch is one short query, so a
 * 2M-line download holds neither a transaction nor the log in memory.
 */
export async function* workflowLogBatches(
  db: DbOrTx,
  of: { nodeRun: string } | { run: string },
  filter: LogDownloadFilter,
  lastSeq: number,
  batch = DOWNLOAD_BATCH,
) {
  const byNodeRun = 'nodeRun' in of;
  const seqCol = byNodeRun ? logLines.seq : logLines.runSeq;
  const keys = await logKeysOf(db, of);
  const where: (SQL | undefined)[] = [logOwner(keys), lte(seqCol, lastSeq)];
  if (filter.levels.length) where.push(inArray(logLines.level, [...filter.levels]));
  if (filter.q) {
    where.push(blockMayMatch(logLines.blockText, filter.q));
    where.push(messageMatches(logLines.message, filter.q));
  }
  if (!byNodeRun && keys) {
    // A whole run's lines: `batch` of its numbers at a time, through its segments
    // (db/log-segments.ts), each stretch's lines that pass the filter.
    for (let after = 0; after < lastSeq; after += batch) {
      const stretch = await runStretch(db, keys.runKey, after, Math.min(lastSeq, after + batch));
      const rows = await selectLogLines(db)
        .where(and(...where, stretch))
        .orderBy(asc(seqCol));
      if (rows.length) yield rows.map((r) => ({ ...r, seq: r.runSeq }));
    }
    return;
  }
  // A node run's lines: `batch` of its numbers at a time, the blocks holding them
  // (db/log-blocks.ts).
  for (let after = 0; after < lastSeq; after += batch) {
    const rows = await selectLogLines(db)
      .where(and(...where, linesIn(true, after, Math.min(lastSeq, after + batch))))
      .orderBy(asc(seqCol));
    if (rows.length) yield rows;
  }
}

/** An action run's lines up to `lastSeq`, in order, in keyset batches. */
export async function* actionRunLogBatches(
  db: DbOrTx,
  runId: string,
  filter: LogDownloadFilter,
  lastSeq: number,
  batch = DOWNLOAD_BATCH,
) {
  const where: (SQL | undefined)[] = [
    eq(actionRunLogs.runId, runId),
    lte(actionRunLogs.seq, lastSeq),
  ];
  if (filter.levels.length) where.push(inArray(actionRunLogs.level, [...filter.levels]));
  if (filter.q) where.push(messageMatches(actionRunLogs.message, filter.q));
  for (let after = 0; ;) {
    const rows = await db
      .select({
        seq: actionRunLogs.seq,
        level: actionRunLogs.level,
        message: actionRunLogs.message,
        createdAt: actionRunLogs.createdAt,
      })
      .from(actionRunLogs)
      .where(and(...where, gt(actionRunLogs.seq, after)))
      .orderBy(asc(actionRunLogs.seq))
      .limit(batch);
    if (rows.length) yield rows;
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!.seq;
  }
}
