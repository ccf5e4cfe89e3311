import { createHash } from 'node:crypto';
import { formatLogLine, type LogDownloadQuery } from '../../contract/log-text';
import { LOG_LEVELS } from '../../contract/workflows';
import type { DbOrTx } from '../db/client';
import {
  actionRunLogBatches,
  workflowLogBatches,
  type LogDownloadFilter,
} from '../db/log-download';
import { findNodeRun, nodeRunsOf } from '../db/workflow-runs';
import { notFound } from '../domain/errors';
import type { Actor } from '../domain/permissions';
import { loadVisibleActionRun, loadVisibleWorkflowRun } from './run-access';

/** A log as a text file: its name, a validator for it, and its text in chunks of many lines. */
export interface LogDownload {
  filename: string;
  etag: string;
  chunks: AsyncIterable<string>;
}

function filterOf(query: LogDownloadQuery): LogDownloadFilter {
  const set = new Set(query.level ?? []);
  // Every level selected is no level filter, as in the viewer.
  const levels = set.size === LOG_LEVELS.length ? [] : LOG_LEVELS.filter((l) => set.has(l));
  return { levels, q: query.q ?? '' };
}

const filtered = (f: LogDownloadFilter) => f.levels.length > 0 || f.q !== '';

/**
 * The answer is fixed by the owner, how many lines it had when the download started, and the
 * filter: lines are only ever appended, and the download stops at the count it started with.
 */
function etagOf(id: string, lastSeq: number, f: LogDownloadFilter) {
  const hash = createHash('sha256')
    .update(JSON.stringify([id, lastSeq, f.levels, f.q]))
    .digest('base64url')
    .slice(0, 27);
  return `W/"${hash}"`;
}

const fileName = (id: string, f: LogDownloadFilter) => `${id}${filtered(f) ? '-filtered' : ''}.log`;

async function* lines<T>(
  batches: AsyncIterable<T[]>,
  format: (row: T) => string,
): AsyncIterable<string> {
  for await (const batch of batches) {
    let text = '';
    for (const row of batch) text += `${format(row)}\n`;
    yield text;
  }
}

/** `GET /workflows/nodes/runs/{id}/logs/download`: a node run's lines, all or filtered. */
export async function nodeRunLogDownload(
  db: DbOrTx,
  id: string,
  query: LogDownloadQuery,
  actor: Actor,
): Promise<LogDownload> {
  const nodeRun = await findNodeRun(db, id);
  if (!nodeRun) throw notFound(`Node run "${id}"`);
  await loadVisibleWorkflowRun(db, nodeRun.workflowRunIdentifier, actor).catch(() => {
    throw notFound(`Node run "${id}"`);
  });
  const f = filterOf(query);
  return {
    filename: fileName(id, f),
    etag: etagOf(id, nodeRun.logSeq, f),
    chunks: lines(workflowLogBatches(db, { nodeRun: id }, f, nodeRun.logSeq), (r) =>
      formatLogLine({ ...r, createdAt: r.createdAt.toISOString(), tags: asTags(r.tags) }),
    ),
  };
}

/** `GET /workflows/runs/{id}/logs/download`: every node run's lines in run order, each naming its node. */
export async function runLogDownload(
  db: DbOrTx,
  id: string,
  query: LogDownloadQuery,
  actor: Actor,
): Promise<LogDownload> {
  const run = await loadVisibleWorkflowRun(db, id, actor);
  const nodeOf = new Map(
    (await nodeRunsOf(db, id)).map((n) => [n.identifier, n.nodeTitle ?? n.nodeIdentifier]),
  );
  const f = filterOf(query);
  return {
    filename: fileName(id, f),
    etag: etagOf(id, run.logSeq, f),
    chunks: lines(workflowLogBatches(db, { run: id }, f, run.logSeq), (r) =>
      formatLogLine({
        ...r,
        createdAt: r.createdAt.toISOString(),
        tags: asTags(r.tags),
        node: nodeOf.get(r.nodeRunIdentifier) ?? r.nodeRunIdentifier,
      }),
    ),
  };
}

/** `GET /actions/runs/{id}/logs/download`: an action run's lines, all or filtered. */
export async function actionRunLogDownload(
  db: DbOrTx,
  id: string,
  query: LogDownloadQuery,
  actor: Actor,
): Promise<LogDownload> {
  const run = await loadVisibleActionRun(db, id, actor);
  const f = filterOf(query);
  return {
    filename: fileName(id, f),
    etag: etagOf(id, run.logSeq, f),
    chunks: lines(actionRunLogBatches(db, id, f, run.logSeq), (r) =>
      formatLogLine({ ...r, createdAt: r.createdAt.toISOString() }),
    ),
  };
}

const asTags = (tags: unknown) => (tags ?? null) as Record<string, string> | null;
