import type { ActionLogLevel } from '../../contract/actions';
import type { ActionRunRow } from '../db/action-runs';
import { invocationOf } from '../db/actions';
import { reportActionRunOutcome } from '../services/action-runs';
import { deliver, excerpt } from './http';
import { BACKEND_ACTOR, type BackendContext } from './workflow-nodes';

interface Line {
  level: ActionLogLevel;
  message: string;
}

const report = (
  ctx: BackendContext,
  runId: string,
  lines: Line[],
  status?: 'SUCCESS' | 'FAILURE',
) => reportActionRunOutcome(ctx.db, runId, lines, status, BACKEND_ACTOR, ctx.clock());

/** Posts a claimed run's payload to its action's webhook, when the action has one. */
export async function executeActionRun(ctx: BackendContext, run: ActionRunRow) {
  const method = (await invocationOf(ctx.db, run.actionIdentifier)) as
    { type?: string; url?: unknown } | undefined;
  if (method?.type !== 'WEBHOOK' || typeof method.url !== 'string') return;
  const delivery = await deliver(
    { url: method.url, method: 'POST', headers: {}, body: run.payload, secret: await ctx.secret() },
    ctx.delivery,
    (a) => report(ctx, run.id, [{ level: a.failed ? 'WARN' : 'INFO', message: a.line }]),
  );
  if (delivery.kind === 'error') {
    return report(
      ctx,
      run.id,
      [{ level: 'ERROR', message: `Webhook failed: ${delivery.reason}` }],
      'FAILURE',
    );
  }
  if (!delivery.ok) {
    const message = `Webhook answered ${delivery.status}: ${excerpt(delivery.text) || '(empty body)'}`;
    return report(ctx, run.id, [{ level: 'ERROR', message }], 'FAILURE');
  }
  if (run.synchronized) {
    return report(
      ctx,
      run.id,
      [{ level: 'INFO', message: `Webhook answered ${delivery.status}; run completed` }],
      'SUCCESS',
    );
  }
}
