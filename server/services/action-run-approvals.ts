import type { ApprovalBody, RequiredApproval } from '../../contract/actions';
import { adminIds, appendActionRunLogs, updateActionRun, type RunVersion } from '../db/action-runs';
import type { Db, DbOrTx } from '../db/client';
import { decideApproval, isEnded, type Decisions } from '../domain/action-runs';
import { forbidden, invalid, runExhausted } from '../domain/errors';
import type { Actor } from '../domain/permissions';
import { auditBy, auditRunChange, auditedActionRun } from './run-audit';
import { endActionRun, getActionRun, queueAgentActionRun } from './action-runs';
import { actorLabel, withReason } from './actor-label';
import { loadVisibleActionRun } from './run-access';

/**
 * `PATCH /actions/runs/{id}/approval`: an admin approves or declines a waiting run. The decision
 * is logged on the run with the admin's name and reason (what the dashboard's dialog says), and
 * every decision gets an audit entry by that admin with the decision and reason: also an approval
 * that leaves the run waiting for the other approvers (`ALL`), whose status does not change.
 */
export async function decideActionRunApproval(
  db: Db,
  id: string,
  body: ApprovalBody,
  actor: Actor,
  now: Date,
  version: RunVersion,
) {
  if (actor.role !== 'admin') {
    throw forbidden(`Only admins approve action runs; you are signed in as ${actor.role}`);
  }
  return db.transaction(async (tx) => {
    const run = await loadVisibleActionRun(tx, id, actor, true);
    if (isEnded(run.status)) {
      throw runExhausted(`Action run "${id}" already ended with status ${run.status}`);
    }
    if (run.status !== 'WAITING_FOR_APPROVAL') {
      throw invalid(
        `Action run "${id}" is ${run.status}; only a run waiting for approval can be approved or declined`,
      );
    }
    const { decisions, status } = decideApproval(
      run.requiredApproval as RequiredApproval,
      await adminIds(tx),
      run.approvals as Decisions,
      actor.id,
      {
        state: body.status === 'APPROVE' ? 'APPROVED' : 'DECLINED',
        description: body.description ?? null,
        at: now.toISOString(),
      },
    );
    const reason = body.description?.trim() || undefined;
    const decided = body.status === 'APPROVE' ? 'Approved' : 'Declined';
    const line = withReason(`${decided} by ${await actorLabel(tx, actor)}`, reason);
    await appendActionRunLogs(tx, id, [{ level: 'INFO', message: line }], actor.id, now);
    const audit = {
      before: { status: run.status },
      after: {
        status,
        approval: body.status === 'APPROVE' ? 'APPROVED' : 'DECLINED',
        ...(reason !== undefined ? { reason } : {}),
      },
    };
    if (isEnded(status)) {
      await endActionRun(tx, run, status, actor, now, { changes: { approvals: decisions }, audit });
    } else {
      const starts = status === 'IN_PROGRESS' && run.installationId !== null;
      await updateActionRun(tx, id, {
        approvals: decisions,
        status,
        updatedBy: actor.id,
        updatedAt: now,
        ...(starts ? { dispatchedAt: now } : {}),
      });
      if (starts) await queueAgentActionRun(tx, run, now);
      await auditRunChange(
        tx,
        auditedActionRun(run),
        auditBy(actor),
        now,
        audit.before,
        audit.after,
      );
    }
    return getActionRun(tx, id, actor, version);
  });
}

/** Every admin with their decision on the run (PENDING until they decide). */
export async function listApprovers(db: DbOrTx, id: string, actor: Actor) {
  const run = await loadVisibleActionRun(db, id, actor);
  if (run.requiredApproval === false) return [];
  const decisions = run.approvals as Decisions;
  return (await adminIds(db)).map((userId) => ({
    userId,
    state: decisions[userId]?.state ?? ('PENDING' as const),
    description: decisions[userId]?.description ?? null,
  }));
}
