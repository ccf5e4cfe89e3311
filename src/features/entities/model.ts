import type { ActivityItem, AuditEntry, Entity } from '../../../contract/entities';
import {
  actionRunState,
  stateAppearance,
  workflowRunState,
  type RunState,
} from '../../components/StatusBadge';
import type { GoneRun } from '../../components/RunName';
import { runPageOf } from '../../lib/run-id';
import type { ActivityKind, ActivityStatus } from './search';

export interface ActivityPage {
  activity: ActivityItem[];
  nextCursor: string | null;
}

/** Where a row leads: the run's page (a change leads to the run that made it, if any). */
export type ActivityTarget =
  { to: '/runs/$runId'; runId: string } | { to: '/actions/runs/$runId'; runId: string };

export interface ActivityRow {
  key: string;
  kind: ActivityKind;
  /** Runs: their state. Changes have no status. */
  state: RunState | null;
  /** Changes: Created / Updated / Deleted. */
  verb: string | null;
  title: string;
  who: string;
  at: string;
  /** Runs: start and end (null while running) for the duration. */
  span: { start: string; end: string | null } | null;
  problems: { WARN: number; ERROR: number } | null;
  target: ActivityTarget | null;
  /**
   * A change whose run no longer exists (retention removed it): its id and why, named but not
   * linked (`target` is null then).
   */
  goneRun: { runId: string; to: ActivityTarget['to']; gone: GoneRun } | null;
  diff: AuditEntry['diff'] | null;
}

const VERB: Record<AuditEntry['action'], string> = {
  CREATE: 'Created',
  UPDATE: 'Updated',
  DELETE: 'Deleted',
};

const runTarget = (runId: string | null): ActivityTarget | null => {
  const to = runId === null ? null : runPageOf(runId);
  return runId !== null && to ? { to, runId } : null;
};

/** One feed item as the row a person reads: the three kinds in one shape. */
export function activityRow(item: ActivityItem): ActivityRow {
  switch (item.type) {
    case 'workflowRun': {
      const run = item.item;
      return {
        key: `wfr:${run.identifier}`,
        kind: 'workflowRun',
        state: workflowRunState(run.status, run.result),
        verb: null,
        title: run.title ?? run.workflowIdentifier,
        who: run.createdBy,
        at: item.at,
        span: { start: run.createdAt, end: run.completedAt },
        problems: run.logCounts,
        target: { to: '/runs/$runId', runId: run.identifier },
        goneRun: null,
        diff: null,
      };
    }
    case 'actionRun': {
      const run = item.item;
      return {
        key: `run:${run.id}`,
        kind: 'actionRun',
        state: actionRunState(run.status),
        verb: null,
        title: run.action.title ?? run.action.identifier,
        who: run.createdBy,
        at: item.at,
        span: { start: run.createdAt, end: run.endedAt },
        problems: run.logCounts,
        target: { to: '/actions/runs/$runId', runId: run.id },
        goneRun: null,
        diff: null,
      };
    }
    case 'audit': {
      const entry = item.item;
      const by = entry.context.runId
        ? ` by ${item.runTitle === null ? 'a run' : `run ${item.runTitle}`}`
        : '';
      const target = runTarget(entry.context.runId);
      return {
        key: `audit:${entry.identifier}`,
        kind: 'change',
        state: null,
        verb: VERB[entry.action],
        title: `${VERB[entry.action]} entity${by}`,
        who: entry.trigger.by.userId,
        at: item.at,
        span: null,
        problems: null,
        target: item.runDeleted === true ? null : target,
        goneRun:
          item.runDeleted === true && target
            ? { ...target, gone: { retentionDays: item.runRetentionDays } }
            : null,
        diff: entry.diff,
      };
    }
  }
}

/** The status filter's buckets: "in progress" covers everything still moving. */
export function statusBucket(state: RunState | null): ActivityStatus | null {
  if (state === null) return null;
  if (stateAppearance(state).live || state === 'waiting-for-approval') return 'in-progress';
  if (state === 'success' || state === 'completed') return 'success';
  if (state === 'failed') return 'failed';
  return null;
}

/** Rows still moving: while any is loaded, the feed polls. */
export const hasLiveRows = (rows: ActivityRow[]) =>
  rows.some((r) => statusBucket(r.state) === 'in-progress');

/** Entities whose identifier or title contains the text (case-insensitive). */
export function searchEntities(entities: Entity[], q: string | undefined): Entity[] {
  const needle = q?.trim().toLowerCase();
  if (!needle) return entities;
  return entities.filter(
    (e) =>
      e.identifier.toLowerCase().includes(needle) || (e.title ?? '').toLowerCase().includes(needle),
  );
}
