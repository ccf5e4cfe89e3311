import type { Context } from 'hono';
import type { TypedResponse } from 'hono';
import type { JSONValue } from 'hono/utils/types';
import type { LogsPage } from '../../contract/workflows';
import type { Db } from '../db/client';
import { writerOf } from '../http/auth';
import { acceptsGzip, COMPRESS_MIN_BYTES } from '../http/compress';
import { pageGzip, pageText } from '../services/log-page-gzip';
import { apiRoutes } from '../http/openapi';
import type { DeliveryPolicy } from '../services/delivery';
import { patchNodeRun, postNodeRunLogs } from '../services/node-runs';
import {
  getNodeRun,
  getNodeRunOutput,
  getRunOutputs,
  getShallowNodeRunOutput,
  listWorkflowRuns,
  pollLogs,
  pollWorkflowRun,
} from '../services/workflow-runs';
import * as routes from './workflow-runs.routes';

const CREATED_LENGTH = String(Buffer.byteLength(JSON.stringify({ ok: true })));

/** What never changes again may be kept for good (by this user's browser only). */
const cacheControl = (final: boolean) =>
  final ? 'private, max-age=31536000, immutable' : 'private, no-cache';

/** A log page's body gzipped by log-page-gzip.ts, answered as the typed JSON page it inflates to. */
const gzipped = async (c: Context, body: Promise<Buffer>) =>
  c.body(new Uint8Array(await body), 200) as unknown as Response &
    TypedResponse<LogsPage, 200, 'json'>;

/**
 * A log page, or 304 when the poll's If-None-Match names it. The ETag is set here, so the ETag
 * middleware neither hashes the body nor builds it for nothing.
 */
function logsAnswer(c: Context, answer: Awaited<ReturnType<typeof pollLogs>>) {
  c.header('ETag', answer.etag);
  c.header('Cache-Control', 'private, no-cache');
  if (answer.unchanged) return c.body(null, 304);
  // A page built from lines serialized once for every reader (services/log-line-cache.ts),
  // gzipped here with its aligned blocks compressed once for every reader (log-page-gzip.ts):
  // the compress middleware passes an answer that already has a Content-Encoding.
  if (answer.parts !== undefined) {
    c.header('Content-Type', 'application/json');
    const { lines, suffix } = answer.parts;
    let chars = suffix.length + lines.length;
    for (let i = 0; i < lines.length && chars < COMPRESS_MIN_BYTES; i++) chars += lines[i]!.length;
    if (chars >= COMPRESS_MIN_BYTES && acceptsGzip(c.req.header('accept-encoding'))) {
      c.header('Vary', 'Accept-Encoding');
      c.header('Content-Encoding', 'gzip');
      return gzipped(c, pageGzip(answer.parts));
    }
    return c.body(pageText(answer.parts), 200) as unknown as Response &
      TypedResponse<LogsPage, 200, 'json'>;
  }
  return c.json({ ok: true as const, ...answer.page }, 200);
}

/**
 * Routes under /v1/workflows that are about runs; mounted before the workflow routes. The polls
 * (a run, a log page) read through `reads`, a pool of their own.
 */
export function workflowRunRoutes(
  db: Db,
  clock: () => Date,
  delivery: DeliveryPolicy,
  reads: Db = db,
) {
  return apiRoutes()
    .openapi(routes.listRuns, async (c) => {
      const query = c.req.valid('query');
      return c.json({ ok: true, ...(await listWorkflowRuns(db, query, c.get('actor'))) });
    })
    .openapi(routes.getRun, async (c) => {
      const { wfr: id } = c.req.valid('param');
      const { includeLogs, view = 'full', ignoreLogCounts } = c.req.valid('query');
      const answer = await pollWorkflowRun(reads, id, c.get('actor'), delivery, {
        includeLogs: includeLogs === 'true',
        view,
        ignoreLogCounts: ignoreLogCounts === 'true',
        ifNoneMatch: c.req.header('if-none-match'),
      });
      if (answer.etag) {
        c.header('ETag', answer.etag);
        c.header('Cache-Control', 'private, no-cache');
      }
      if (answer.unchanged) return c.body(null, 304);
      return c.json({ ok: true as const, workflowRun: answer.workflowRun }, 200);
    })
    .openapi(routes.getRunOutputs, async (c) => {
      const { wfr: id } = c.req.valid('param');
      const { outputs, final } = await getRunOutputs(db, id, c.get('actor'));
      c.header('Cache-Control', cacheControl(final));
      return c.json({ ok: true as const, outputs });
    })
    .openapi(routes.getNodeRun, async (c) => {
      const { wfnr: id } = c.req.valid('param');
      return c.json({ ok: true as const, nodeRun: await getNodeRun(reads, id, c.get('actor')) });
    })
    .openapi(routes.getNodeRunOutput, async (c) => {
      const { wfnr: id } = c.req.valid('param');
      const { outputJson, final } = await getNodeRunOutput(db, id, c.get('actor'));
      c.header('Cache-Control', cacheControl(final));
      // The same body as c.json({ ok: true, output }) would write, without parsing the output.
      c.header('Content-Type', 'application/json');
      return c.body(`{"ok":true,"output":${outputJson}}`, 200) as unknown as TypedResponse<
        { ok: true; output: Record<string, JSONValue> },
        200,
        'json'
      >;
    })
    .openapi(routes.getShallowNodeRunOutput, async (c) => {
      const { wfnr: id } = c.req.valid('param');
      const { answer, final } = await getShallowNodeRunOutput(
        reads,
        id,
        c.req.valid('query'),
        c.get('actor'),
      );
      c.header('Cache-Control', cacheControl(final));
      return c.json(answer, 200);
    })
    .openapi(routes.readRunLogs, async (c) => {
      const { wfr: id } = c.req.valid('param');
      return logsAnswer(
        c,
        await pollLogs(
          reads,
          { run: id },
          c.req.valid('query'),
          c.get('actor'),
          c.req.header('if-none-match'),
          c.req.raw.signal,
        ),
      );
    })
    .openapi(routes.patchRunNodeRun, async (c) => {
      const { wfr: runId, wfnr: id } = c.req.valid('param');
      const body = c.req.valid('json');
      await patchNodeRun(db, id, body, c.get('actor'), clock(), runId);
      return c.json({ ok: true });
    })
    .openapi(routes.patchNodeRun, async (c) => {
      const { wfnr: id } = c.req.valid('param');
      const body = c.req.valid('json');
      await patchNodeRun(db, id, body, c.get('actor'), clock());
      return c.json({ ok: true });
    })
    .openapi(routes.readNodeRunLogs, async (c) => {
      const { wfnr: id } = c.req.valid('param');
      return logsAnswer(
        c,
        await pollLogs(
          reads,
          { nodeRun: id },
          c.req.valid('query'),
          c.get('actor'),
          c.req.header('if-none-match'),
          c.req.raw.signal,
        ),
      );
    })
    .openapi(routes.postNodeRunLogs, async (c) => {
      const { wfnr: id } = c.req.valid('param');
      const body = c.req.valid('json');
      await postNodeRunLogs(db, id, body.logs, writerOf(c), clock());
      // Its length declared, the answer goes out without being measured (see compressResponses).
      return c.json({ ok: true }, 201, { 'content-length': CREATED_LENGTH });
    });
}
