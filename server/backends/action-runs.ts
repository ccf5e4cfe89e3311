import type { ActionLogLevel } from '../../contract/actions';
import { invocationOf } from '../db/actions';
import { actionOwesDelivery } from '../domain/delivery';
import type { AttemptOutcome } from '../domain/work-queue';
import { reportActionRunOutcome } from '../services/action-runs';
import { loadOwedActionRun } from '../services/backend-work';
import { deliver, deliveryProblem, type DeliveryAttempt } from './http';
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

const DONE: AttemptOutcome = { kind: 'done' };

/**
 * Makes one attempt at posting a claimed run's payload to its action's webhook, when the action
 * has one. A run no longer in progress (ended by hand, or reported after a delivery before a
 * crash) is not sent again.
 */
export async function executeActionRun(
  ctx: BackendContext,
  runId: string,
  attempt: DeliveryAttempt,
): Promise<AttemptOutcome> {
  const run = await loadOwedActionRun(ctx.db, runId);
  if (!run) return DONE;
  const method = (await invocationOf(ctx.db, run.actionIdentifier)) as
    { type?: string; url?: unknown } | undefined;
  if (!actionOwesDelivery(method)) return DONE;
  const payload = run.payload as { context?: Record<string, unknown> } & Record<string, unknown>;
  const body = {
    ...payload,
    context: { ...payload.context, deliveryId: attempt.id, attempt: attempt.number },
  };
  const delivery = await deliver(
    { url: method.url, method: 'POST', headers: {}, body, secret: await ctx.secret() },
    ctx.delivery,
    attempt,
    (a) => report(ctx, run.id, [{ level: a.failed ? 'WARN' : 'INFO', message: a.line }]),
  );
  const problem = deliveryProblem(delivery, attempt);
  if (problem?.retry) return { kind: 'retry', reason: problem.message };
  if (problem) {
    await report(ctx, run.id, [{ level: 'ERROR', message: problem.message }], 'FAILURE');
    return { kind: 'failed', reason: problem.message };
  } else if (run.synchronized && delivery.kind === 'response') {
    await report(
      ctx,
      run.id,
      [{ level: 'INFO', message: `Webhook answered ${delivery.status}; run completed` }],
      'SUCCESS',
    );
  }
  return DONE;
}
