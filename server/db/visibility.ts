import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { runViewRule, type Actor } from '../domain/permissions';
import { actionRuns, auditLog, workflowRuns } from './schema';

/** The columns (or aliased expressions) that hold a row's run visibility. */
export interface VisibilityColumns {
  allowAnyoneToView: SQLWrapper;
  createdBy: SQLWrapper;
}

/**
 * The SQL form of `runViewRule` (domain/permissions.ts): undefined when the actor sees every
 * row, so it drops out of `and(...)`.
 */
export function visibleTo(actor: Actor, columns: VisibilityColumns): SQL | undefined {
  const rule = runViewRule(actor);
  if (rule.everything) return undefined;
  return sql`(${columns.allowAnyoneToView} OR ${columns.createdBy} = ${rule.starter})`;
}

/** The same predicate for raw SQL, where "everything" has to be written `true`. */
export const visibleToSql = (actor: Actor, columns: VisibilityColumns): SQL =>
  visibleTo(actor, columns) ?? sql`true`;

export const visibleWorkflowRuns = (actor: Actor) =>
  visibleTo(actor, {
    allowAnyoneToView: workflowRuns.allowAnyoneToView,
    createdBy: workflowRuns.createdBy,
  });

export const visibleActionRuns = (actor: Actor) =>
  visibleTo(actor, {
    allowAnyoneToView: actionRuns.allowAnyoneToView,
    createdBy: actionRuns.createdBy,
  });

/** Audit entries carry their run's visibility; an entry tied to no run is visible to everyone. */
export const visibleAuditEntries = (actor: Actor) =>
  visibleTo(actor, {
    allowAnyoneToView: auditLog.allowAnyoneToView,
    createdBy: auditLog.runCreatedBy,
  });
