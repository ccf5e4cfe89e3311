import type { AuditLogEntry } from '../../../contract/entities';
import type { GoneRun } from '../../components/RunName';
import { rangeParams } from '../../lib/time-ranges';
import { newItemsSince } from '../../lib/newest-first-list';
import { runPageOf } from '../../lib/run-id';
import type { AuditLogFilters } from './search';

export interface AuditLogPage {
  audits: AuditLogEntry[];
  nextCursor: string | null;
}

/** The page's filters as `GET /v1/audit-log`'s query. */
export function auditLogQueryParams(filters: AuditLogFilters, now: number) {
  return {
    resources: filters.resource ? [filters.resource] : undefined,
    action: filters.action ? [filters.action] : undefined,
    status: filters.status,
    run_id: filters.run,
    entity: filters.entity,
    blueprint: filters.blueprint,
    ...rangeParams(filters, now),
  };
}

/**
 * The workflow an entry of a workflow run names: its identifier, the name to show, and whether it
 * has been deleted since (then it has no page to link to).
 */
export interface AuditWorkflow {
  identifier: string;
  name: string;
  deleted: boolean;
}

/** What an entry is about, and where its page is when there is one. */
export type AuditSubject =
  | { kind: 'workflow-run'; runId: string; workflow: AuditWorkflow | null; gone: GoneRun | null }
  | { kind: 'action-run'; runId: string; action: string | null; gone: GoneRun | null }
  | { kind: 'entity'; blueprint: string; entity: string }
  | { kind: 'person'; userId: string }
  | { kind: 'none' };

const idIn = (diff: AuditLogEntry['diff']) => {
  const id = diff.after?.id ?? diff.before?.id;
  return typeof id === 'string' ? id : null;
};

/**
 * An entry's subject: a run by its id's prefix (`wfr_` a workflow run, else an action run), an
 * entity by blueprint and identifier, a person or credential by the id its diff records; a
 * sign-in is about the person who signed in, who is already in the "By" column.
 */
export function auditSubject(entry: AuditLogEntry): AuditSubject {
  const { context } = entry;
  switch (entry.resourceType) {
    case 'run':
      if (!context.runId) return { kind: 'none' };
      return runPageOf(context.runId) === '/runs/$runId'
        ? {
            kind: 'workflow-run',
            runId: context.runId,
            workflow: workflowOf(entry),
            gone: goneRun(entry),
          }
        : {
            kind: 'action-run',
            runId: context.runId,
            action: context.action,
            gone: goneRun(entry),
          };
    case 'entity':
      return context.blueprintIdentifier && context.entityIdentifier
        ? {
            kind: 'entity',
            blueprint: context.blueprintIdentifier,
            entity: context.entityIdentifier,
          }
        : { kind: 'none' };
    case 'user':
    case 'credential': {
      const userId = idIn(entry.diff);
      return userId ? { kind: 'person', userId } : { kind: 'none' };
    }
    case 'session':
      return { kind: 'none' };
  }
}

/**
 * The workflow the entry names (recorded with it, so the name is the run's even after a rename;
 * an entry written before workflows were recorded, whose run has expired since, names none): by
 * its title, else its identifier.
 */
const workflowOf = ({ context, workflowDeleted }: AuditLogEntry): AuditWorkflow | null =>
  context.workflow
    ? {
        identifier: context.workflow,
        name: context.workflowTitle ?? context.workflow,
        deleted: workflowDeleted === true,
      }
    : null;

/**
 * The entry's run when it no longer exists (retention removed it, with its RETENTION_DAYS, or it
 * went for a reason the server does not know); null while it exists (or the entry has none).
 */
export const goneRun = ({
  runDeleted,
  runRetentionDays,
}: Pick<AuditLogEntry, 'runDeleted' | 'runRetentionDays'>): GoneRun | null =>
  runDeleted === true ? { retentionDays: runRetentionDays } : null;

/**
 * The run an entity change was made by, shown beside the entity, with what the entry recorded it
 * ran: its workflow or its action.
 */
export const tiedRun = (entry: AuditLogEntry) =>
  entry.resourceType === 'entity' && entry.context.runId
    ? {
        runId: entry.context.runId,
        workflow: workflowOf(entry),
        action: entry.context.action ?? null,
        gone: goneRun(entry),
      }
    : null;

/** How many of the newest entries the list does not show yet (the "N new entries" banner). */
export const newEntriesSince = (displayed: AuditLogEntry[], latest: AuditLogEntry[]) =>
  newItemsSince(
    displayed,
    latest,
    (e) => e.identifier,
    (e) => e.trigger.at,
  );

export const RESOURCE_LABELS: Record<AuditLogEntry['resourceType'], string> = {
  run: 'Run',
  entity: 'Entity',
  user: 'Person',
  credential: 'Credential',
  session: 'Sign-in',
};
