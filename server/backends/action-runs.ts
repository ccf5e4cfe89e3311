import { eq } from 'drizzle-orm';
import type { ActionLogLevel } from '../../contract/actions';
import {
  appendRunLogs,
  loadRunVisible,
  recordStatusChange,
  type ActionRunRow,
} from '../db/action-runs';
import { actionRuns, actions } from '../db/schema';
import { isEnded } from '../domain/action-runs';
import { deliver, excerpt } from './http';
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

/** Posts a claimed run's payload to its action's webhook, when the action has one. */
export async function executeActionRun(ctx: BackendContext, run: ActionRunRow) {
  const [action] = await ctx.db
    .select({ invocationMethod: actions.invocationMethod })
    .from(actions)
    .where(eq(actions.identifier, run.actionIdentifier));
  const method = action?.invocationMethod as { type?: string; url?: unknown } | undefined;
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
