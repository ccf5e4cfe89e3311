import type {
  ActionOperation,
  ActionRunStatus,
  ApprovalState,
  RequiredApproval,
  TerminationStatus,
} from '../../contract/actions';
import type { AuditAction } from '../../contract/entities';
import { ApiError, invalid, runExhausted } from './errors';

export const ENDED_STATUSES: readonly ActionRunStatus[] = ['SUCCESS', 'FAILURE', 'DECLINED'];
export const ACTIVE_STATUSES: readonly ActionRunStatus[] = ['IN_PROGRESS', 'WAITING_FOR_APPROVAL'];

export type EndedStatus = 'SUCCESS' | 'FAILURE' | 'DECLINED';
export const isEnded = (status: ActionRunStatus): status is EndedStatus =>
  ENDED_STATUSES.includes(status);

export const needsApproval = (required: RequiredApproval) => required !== false;

export const initialStatus = (required: RequiredApproval): ActionRunStatus =>
  needsApproval(required) ? 'WAITING_FOR_APPROVAL' : 'IN_PROGRESS';

/** Why a run of this action cannot start with this entity and these inputs, or null. */
export function startProblem(
  action: {
    identifier: string;
    operation: ActionOperation;
    /** Port: an action tied to no blueprint takes no entity, whatever its operation. */
    hasBlueprint: boolean;
    required: string[];
  },
  body: { entity?: string | undefined; properties: Record<string, unknown> },
): string | null {
  if (!action.hasBlueprint && body.entity !== undefined) {
    return `body.entity: action "${action.identifier}" is tied to no blueprint; its runs take no entity`;
  }
  if (action.operation === 'CREATE' && body.entity !== undefined) {
    return `body.entity: action "${action.identifier}" is a CREATE action; its runs are not about an existing entity`;
  }
  if (action.hasBlueprint && action.operation !== 'CREATE' && body.entity === undefined) {
    return `body.entity: is required, action "${action.identifier}" is a ${action.operation} action and runs on an existing entity`;
  }
  const missing = action.required.filter(
    (key) => body.properties[key] === undefined || body.properties[key] === null,
  );
  if (missing.length > 0) {
    return `body.properties: missing required input(s) ${missing.map((k) => `"${k}"`).join(', ')}`;
  }
  return null;
}

interface RunState {
  id: string;
  status: ActionRunStatus;
  synchronized: boolean;
}

/** A run accepts updates (label, link, logs) until it ends. */
export function assertNotEnded(run: RunState) {
  if (isEnded(run.status)) {
    throw runExhausted(
      `Action run "${run.id}" already ended with status ${run.status}; an ended run cannot be changed`,
    );
  }
}

/** Ending a run by hand: only once, only after approval, never for a synchronized run. */
export function assertCanTerminate(run: RunState, status: TerminationStatus) {
  assertNotEnded(run);
  if (run.synchronized) {
    throw new ApiError(
      422,
      'run_synchronized_error',
      `Action run "${run.id}" is synchronized: its status comes from the backend's answer and cannot be set to ${status} by hand`,
    );
  }
  if (run.status === 'WAITING_FOR_APPROVAL') {
    throw invalid(
      `Action run "${run.id}" is waiting for approval; it can end only after it was approved`,
    );
  }
}

/** Entity writes may be tied to a run only while it is in progress. */
export function assertCanTie(run: { id: string; status: string }) {
  if (run.status !== 'IN_PROGRESS') {
    throw runExhausted(
      `Run "${run.id}" is ${run.status}; entity changes can be tied only to a run that is IN_PROGRESS`,
    );
  }
}

export interface Decision {
  state: Exclude<ApprovalState, 'PENDING'>;
  description: string | null;
  at: string;
}
export type Decisions = Record<string, Decision>;

/**
 * Applies one admin's decision. Any decline declines the run; an approval starts it when the
 * action needs any one approval (true or ANY), or once every approver approved (ALL).
 */
export function decideApproval(
  required: RequiredApproval,
  approvers: string[],
  decisions: Decisions,
  userId: string,
  decision: Decision,
): { decisions: Decisions; status: ActionRunStatus } {
  const next = { ...decisions, [userId]: decision };
  if (decision.state === 'DECLINED') return { decisions: next, status: 'DECLINED' };
  const all = typeof required === 'object' && required.type === 'ALL';
  const approved = approvers.filter((a) => next[a]?.state === 'APPROVED').length;
  const done = all ? approved >= approvers.length : true;
  return { decisions: next, status: done ? 'IN_PROGRESS' : 'WAITING_FOR_APPROVAL' };
}

/** The decision shown as the run's `approval`: the latest one, or null. */
export function latestDecision(decisions: Decisions) {
  const entries = Object.entries(decisions).sort(([, a], [, b]) => a.at.localeCompare(b.at));
  const last = entries[entries.length - 1];
  if (!last) return null;
  const [userId, d] = last;
  return { userId, state: d.state, description: d.description };
}

const VERBS: Record<AuditAction, string> = {
  CREATE: 'created',
  UPDATE: 'updated',
  DELETE: 'deleted',
};

/** The line a tied entity change adds to the run's log. */
export const entityChangeMessage = (action: AuditAction, blueprint: string, identifier: string) =>
  `entity ${blueprint}/${identifier} ${VERBS[action]}`;

/** Who started an action run, as its webhook payload names them. */
export interface PayloadStarter {
  id: string;
  email: string;
}

/**
 * The body an action's webhook receives, also shown as the run's v2 `payload`: the one place it
 * is built (the API's start and the demo seed's history both use it).
 */
export function actionRunPayload(input: {
  runId: string;
  action: { identifier: string; title: string; blueprint: string | null };
  startedBy: PayloadStarter;
  origin: string;
  at: Date;
  entityIdentifier: string | null;
  entity: unknown;
  properties: Record<string, unknown>;
}) {
  const { runId, action, startedBy } = input;
  return {
    action: { identifier: action.identifier, title: action.title, blueprint: action.blueprint },
    resourceType: 'run',
    status: 'TRIGGERED',
    trigger: {
      by: { userId: startedBy.id, email: startedBy.email, user: { email: startedBy.email } },
      origin: input.origin,
      at: input.at.toISOString(),
    },
    context: { entity: input.entityIdentifier, blueprint: action.blueprint, runId },
    payload: { entity: input.entity ?? null, properties: input.properties },
    port_context: { runId },
  };
}
