import { Hono } from 'hono';
import type { Db } from '../db/client';
import { ApiError } from '../domain/errors';
import { postActionRunLog } from '../services/action-runs';
import { patchNodeRun } from '../services/node-runs';
import { SIGNATURE_HEADER, verifySignature } from './signing';
import { BACKEND_ACTOR } from './workflow-nodes';

/** How long the asynchronous echo "works" before it reports back, like a real job would. */
const ASYNC_DELAY_MS = 1500;

interface Received {
  context?: { nodeRunId?: string; workflowRunId?: string };
  port_context?: { runId?: string };
  [key: string]: unknown;
}

/**
 * A small backend the server hosts itself so the demo's webhooks have somewhere to go:
 * `POST /demo-backend/echo` answers the request body back (for synchronized webhooks);
 * `POST /demo-backend/async` accepts with 202 and reports the outcome a moment later through
 * the runs API's services, as a team's service would through the API.
 */
export function demoBackendRoutes(db: Db, clock: () => Date, secret: () => Promise<string>) {
  async function reportLater(body: Received) {
    await new Promise<void>((resolve) => setTimeout(resolve, ASYNC_DELAY_MS).unref());
    const echo = Object.fromEntries(
      Object.entries(body).filter(([k]) => k !== 'context' && k !== 'port_context'),
    );
    try {
      if (body.context?.nodeRunId) {
        await patchNodeRun(
          db,
          body.context.nodeRunId,
          {
            status: 'COMPLETED',
            result: 'SUCCESS',
            output: { echo },
            logs: [{ logLevel: 'INFO', log: 'Echo backend: request received and verified' }],
          },
          BACKEND_ACTOR,
          clock(),
        );
      } else if (body.port_context?.runId) {
        await postActionRunLog(
          db,
          body.port_context.runId,
          {
            message: 'Echo backend: request received and verified',
            terminationStatus: 'SUCCESS',
            level: 'INFO',
          },
          BACKEND_ACTOR,
          clock(),
        );
      }
    } catch (err) {
      if (!(err instanceof ApiError)) console.error('demo backend failed to report:', err);
    }
  }

  return new Hono().post('/:mode{echo|async}', async (c) => {
    const raw = await c.req.text();
    if (!verifySignature(await secret(), raw, c.req.header(SIGNATURE_HEADER) ?? null)) {
      return c.json(
        { ok: false, error: 'bad_signature', message: 'Signature does not verify' },
        401,
      );
    }
    let body: Received;
    try {
      body = JSON.parse(raw) as Received;
    } catch {
      return c.json({ ok: false, error: 'invalid_json', message: 'Body is not JSON' }, 400);
    }
    if (c.req.param('mode') === 'echo') return c.json({ echo: body });
    void reportLater(body);
    return c.json({ accepted: true }, 202);
  });
}
