import { eq } from 'drizzle-orm';
import type { ActionLogLevel } from '../../contract/actions';
import { appendRunLogs, loadRunVisible, recordStatusChange } from '../db/action-runs';
import { actionRuns, actions } from '../db/schema';
import { isEnded } from '../domain/action-runs';
import type { AttemptOutcome } from '../domain/work-queue';
import { deliver, excerpt, isRetryable, type DeliveryAttempt } from './http';
import { BACKEND_ACTOR, type BackendContext } from './workflow-nodes';

interface Line {
  level: ActionLogLevel;
  message: string;
}

/**
 * Adds lines to the run's log and, for a synchronized run, ends it: Port itself sets such a
 * run's status from the webhook's answer. A run that ended meanwhile is left as it is.
 */
async function report(
  ctx: BackendContext,
  runId: string,
  lines: Line[],
  status?: 'SUCCESS' | 'FAILURE',
) {
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    const run = await loadRunVisible(tx, runId, BACKEND_ACTOR, true);
    if (isEnded(run.status)) return;
    await appendRunLogs(tx, runId, lines, BACKEND_ACTOR.id, now);
    if (!status) return;
    await tx
      .update(actionRuns)
      .set({ status, endedAt: now, updatedBy: BACKEND_ACTOR.id, updatedAt: now })
      .where(eq(actionRuns.id, runId));
    await recordStatusChange(tx, run, status, BACKEND_ACTOR, now);
  });
}

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
  const [run] = await ctx.db.select().from(actionRuns).where(eq(actionRuns.id, runId));
  if (run?.status !== 'IN_PROGRESS') return DONE;
  const [action] = await ctx.db
    .select({ invocationMethod: actions.invocationMethod })
    .from(actions)
    .where(eq(actions.identifier, run.actionIdentifier));
  const method = action?.invocationMethod as { type?: string; url?: unknown } | undefined;
  if (method?.type !== 'WEBHOOK' || typeof method.url !== 'string') return DONE;
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
  if (delivery.kind === 'error' || !delivery.ok) {
    const problem =
      delivery.kind === 'error'
        ? `Webhook failed: ${delivery.reason}`
        : `Webhook answered ${delivery.status}: ${excerpt(delivery.text) || '(empty body)'}`;
    if (isRetryable(delivery) && attempt.number < attempt.of) {
      return { kind: 'retry', reason: problem };
    }
    await report(ctx, run.id, [{ level: 'ERROR', message: problem }], 'FAILURE');
  } else if (run.synchronized) {
    await report(
      ctx,
      run.id,
      [{ level: 'INFO', message: `Webhook answered ${delivery.status}; run completed` }],
      'SUCCESS',
    );
  }
  return DONE;
}
