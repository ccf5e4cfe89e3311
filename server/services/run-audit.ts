import type { RunSource } from '../../contract/actions';
import type { ActionRunRow } from '../db/action-runs';
import { recordAudit, type AuditWorkflow } from '../db/audit';
import type { Tx } from '../db/client';
import type { WorkflowRunRow } from '../db/serialize';
import type { RunVisibility } from '../domain/permissions';

/** What an audit entry says about the run it is about, for either kind of run. */
export interface AuditedRun {
  runId: string;
  blueprint: string | null;
  entity: string | null;
  action: string | null;
  /** A workflow run's workflow (null for an action run). */
  workflow: AuditWorkflow | null;
  visibility: RunVisibility;
}

/** The workflow an entry about `run` (or made by it) names: the run's, with the run's title. */
export const workflowOf = (run: WorkflowRunRow): AuditWorkflow => ({
  identifier: run.workflowIdentifier,
  title: run.title,
});

export const auditedWorkflowRun = (run: WorkflowRunRow): AuditedRun => ({
  runId: run.identifier,
  blueprint: null,
  entity: run.entity,
  action: null,
  workflow: workflowOf(run),
  visibility: run,
});

export const auditedActionRun = (run: ActionRunRow): AuditedRun => ({
  runId: run.id,
  blueprint: run.blueprintIdentifier,
  entity: run.entityIdentifier,
  action: run.actionIdentifier,
  workflow: null,
  visibility: run,
});

/** Who made a change and from where, as an audit entry records it. */
export const auditBy = (actor: { id: string; origin?: RunSource | undefined }) => ({
  userId: actor.id,
  ...(actor.origin !== undefined ? { origin: actor.origin } : {}),
});

/**
 * The audit entry of a run change (`resourceType: run`): CREATE when there is no `before`,
 * otherwise UPDATE with the fields before and after. The one place such an entry is built.
 */
export function auditRunChange(
  tx: Tx,
  run: AuditedRun,
  by: { userId: string; origin?: RunSource },
  now: Date,
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
) {
  return recordAudit(tx, {
    action: before ? 'UPDATE' : 'CREATE',
    resourceType: 'run',
    userId: by.userId,
    origin: by.origin ?? 'API',
    at: now,
    blueprintIdentifier: run.blueprint,
    entityIdentifier: run.entity,
    runId: run.runId,
    actionIdentifier: run.action,
    workflow: run.workflow,
    before,
    after,
    run: run.visibility,
  });
}
