import type { ActionRunV1, ActionRunV2, RequiredApproval, RunLog } from '../../contract/actions';
import { isPendingExecution } from '../domain/agent-work';
import { latestDecision, type Decisions } from '../domain/action-runs';
import type { actionRunLogs, actionRuns } from './schema';

export type ActionRunRow = typeof actionRuns.$inferSelect;
type LogRow = typeof actionRunLogs.$inferSelect;
export type RunVersion = 'v1' | 'v2';

/** A run row with what Port computes when it answers: whether the things it names still exist. */
export interface RunWithFlags {
  run: ActionRunRow;
  entityExists: boolean;
  blueprintExists: boolean;
  actionExists: boolean;
  /** The agent's claim on an INTEGRATION_ACTION run, from the work queue. */
  claimedUntil?: string | Date | null;
}

const iso = (d: Date) => d.toISOString();

function common({ run, entityExists, blueprintExists }: RunWithFlags) {
  return {
    id: run.id,
    status: run.status,
    statusLabel: run.statusLabel,
    link: run.link as ActionRunV1['link'],
    summary: run.summary,
    source: run.source,
    properties: run.properties as Record<string, unknown>,
    relatedEntityExists: Boolean(entityExists),
    relatedBlueprintExists: Boolean(blueprintExists),
    endedAt: run.endedAt ? iso(run.endedAt) : null,
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.updatedAt),
    createdBy: run.createdBy,
    updatedBy: run.updatedBy,
    externalRunId: run.externalRunId,
  };
}

export function toRunV1(r: RunWithFlags): ActionRunV1 {
  const { run } = r;
  return {
    ...common(r),
    action: run.actionIdentifier,
    blueprint: run.blueprintIdentifier
      ? { identifier: run.blueprintIdentifier, title: run.blueprintTitle }
      : null,
    entity: run.entityIdentifier
      ? { identifier: run.entityIdentifier, title: run.entityTitle }
      : null,
  };
}

export function toRunV2(r: RunWithFlags): ActionRunV2 {
  const { run } = r;
  return {
    ...common(r),
    action: {
      identifier: run.actionIdentifier,
      title: run.actionTitle,
      icon: run.actionIcon,
      deleted: !r.actionExists,
    },
    blueprint: run.blueprintIdentifier
      ? {
          identifier: run.blueprintIdentifier,
          title: run.blueprintTitle,
          icon: run.blueprintIcon,
          deleted: !r.blueprintExists,
        }
      : null,
    entity: run.entityIdentifier
      ? {
          identifier: run.entityIdentifier,
          title: run.entityTitle,
          icon: null,
          deleted: !r.entityExists,
        }
      : null,
    requiredApproval: run.requiredApproval as RequiredApproval,
    approval: latestDecision(run.approvals as Decisions),
    payload: run.payload as Record<string, unknown>,
    pendingExecution: isPendingExecution(run),
    claimedUntil: r.claimedUntil ? new Date(r.claimedUntil).toISOString() : null,
    installationId: run.installationId,
  };
}

export const toRun = (r: RunWithFlags, version: RunVersion) =>
  version === 'v2' ? toRunV2(r) : toRunV1(r);

export function toRunLog(row: LogRow): RunLog {
  return {
    id: row.id,
    runId: row.runId,
    message: row.message,
    createdBy: row.createdBy,
    createdAt: iso(row.createdAt),
    seq: row.seq,
    level: row.level,
  };
}
