import type {
  ActionOperation,
  ActionRunLogPost,
  ActionRunLogsQuery,
  ActionRunPatch,
  ActionRunsListQuery,
  RequiredApproval,
  RunSource,
} from '../../contract/actions';
import { toRun, toRunLog } from '../db/action-run-serialize';
import { actionRunDelivery, type DeliveryPolicy } from './delivery';
import {
  actionRunLogsAfter,
  appendActionRunLogs,
  findUserByEmail,
  insertActionRun,
  listActionRuns as queryActionRuns,
  updateActionRun,
  type ActionRunRow,
  type RunLogInput,
  type RunVersion,
} from '../db/action-runs';
import { getActionRow } from '../db/actions';
import { getBlueprintRow } from '../db/blueprints';
import type { Db, DbOrTx, Tx } from '../db/client';
import { findEntity } from '../db/entities';
import { queueAgentWork } from '../db/work-queue';
import { visibleActionRuns } from '../db/visibility';
import {
  actionRunPayload,
  assertCanTerminate,
  assertNotEnded,
  type EndedStatus,
  initialStatus,
  isEnded,
  startProblem,
} from '../domain/action-runs';
import { integrationActionInvocationSchema } from '../../contract/agent-work';
import { requiredInputs } from '../../contract/json-schema';
import { agentInstallationOf, integrationPayload } from '../domain/agent-work';
import { forbidden, invalid, notFound } from '../domain/errors';
import { TemplateError } from '../domain/templates';
import { newActionRunId } from '../domain/ids';
import { isPrivileged, type Actor } from '../domain/permissions';
import { assertCanControl } from '../domain/run-controls';
import { loadVisibleActionRun, loadVisibleActionRunWithFlags } from './run-access';
import { checkRunInputs } from './run-inputs';
import { withInputDefaults } from '../domain/user-inputs';
import { auditBy, auditedActionRun, auditRunChange } from './run-audit';

/** The action-run lifecycle: start, patch, log, end (approvals are in action-run-approvals.ts). */

/** A run as the API answers it, in the shape asked for. */
export async function getActionRun(db: DbOrTx, id: string, actor: Actor, version: RunVersion) {
  return toRun(await loadVisibleActionRunWithFlags(db, id, actor), version);
}

/** `GET /v1/actions/runs/{id}`: the run with its [ext] `delivery` (what its webhook is still owed). */
export async function readActionRun(
  db: DbOrTx,
  id: string,
  actor: Actor,
  version: RunVersion,
  policy: DeliveryPolicy,
) {
  const row = await loadVisibleActionRunWithFlags(db, id, actor);
  const action = row.run.actionIdentifier;
  return { ...toRun(row, version), delivery: await actionRunDelivery(db, { id, action }, policy) };
}

export const listActionRuns = (db: DbOrTx, query: ActionRunsListQuery, actor: Actor) =>
  queryActionRuns(db, query, visibleActionRuns(actor));

/** Audits a change of the run's status by `actor`. */
export const auditActionRunStatus = (
  tx: Tx,
  run: ActionRunRow,
  status: ActionRunRow['status'],
  actor: { id: string; origin?: RunSource },
  now: Date,
) =>
  auditRunChange(
    tx,
    auditedActionRun(run),
    auditBy(actor),
    now,
    { status: run.status },
    { status },
  );

/**
 * Ends a run whose row `tx` has locked: the status, when and by whom, any other fields that
 * change with it, and the audit entry (by default its status before and after). The one write
 * that ends an action run.
 */
export async function endActionRun(
  tx: Tx,
  run: ActionRunRow,
  status: EndedStatus,
  actor: { id: string; origin?: RunSource },
  now: Date,
  extra: {
    changes?: { statusLabel?: string | null; approvals?: unknown };
    audit?: { before: Record<string, unknown>; after: Record<string, unknown> };
  } = {},
) {
  await updateActionRun(tx, run.id, {
    ...extra.changes,
    status,
    endedAt: now,
    updatedBy: actor.id,
    updatedAt: now,
  });
  if (extra.audit) {
    await auditRunChange(
      tx,
      auditedActionRun(run),
      auditBy(actor),
      now,
      extra.audit.before,
      extra.audit.after,
    );
  } else {
    await auditActionRunStatus(tx, run, status, actor, now);
  }
}

export interface StartOptions {
  actor: Actor;
  now: Date;
  runAs?: string | undefined;
  source?: RunSource;
  /** The shape of the run answered. */
  version?: RunVersion;
}

/** `POST /actions/{id}/runs`: checks the inputs, stores the run and its payload, audits it. */
export async function startActionRun(
  db: Db,
  actionIdentifier: string,
  body: { properties: Record<string, unknown>; entity?: string | undefined },
  options: StartOptions,
) {
  const { actor, now, source = 'API' } = options;
  return db.transaction(async (tx) => {
    const action = await getActionRow(tx, actionIdentifier);
    const trigger = action.trigger as {
      operation: ActionOperation;
      userInputs?: { properties?: unknown; required?: string[] };
    };
    // Absent inputs' defaults count for the required ones too, as in the dashboard's form.
    const properties = withInputDefaults(trigger.userInputs, body.properties);
    const problem = startProblem(
      {
        identifier: action.identifier,
        operation: trigger.operation,
        hasBlueprint: action.blueprint !== null,
        required: requiredInputs(trigger.userInputs?.properties, trigger.userInputs?.required),
      },
      { entity: body.entity, properties },
    );
    if (problem) throw invalid(problem);
    await checkRunInputs(tx, trigger.userInputs, properties, 'properties', 'action');
    let startedBy = { id: actor.id, email: actor.email };
    if (options.runAs !== undefined && options.runAs !== actor.email) {
      if (!isPrivileged(actor)) {
        throw forbidden(
          `Only admins and machine credentials may use run_as; you are a ${actor.role}`,
        );
      }
      const user = await findUserByEmail(tx, options.runAs);
      if (!user) throw notFound(`User with email "${options.runAs}"`);
      startedBy = user;
    }
    const blueprint = action.blueprint
      ? await getBlueprintRow(tx, action.blueprint).catch(() => undefined)
      : undefined;
    const entity =
      body.entity && action.blueprint
        ? await findEntity(tx, action.blueprint, body.entity)
        : undefined;
    if (body.entity && !entity) {
      throw notFound(`Entity "${body.entity}" of blueprint "${action.blueprint}"`);
    }
    const id = newActionRunId();
    const required = action.requiredApproval as RequiredApproval;
    const invocation = action.invocationMethod as { type: string; synchronized?: boolean };
    const webhookPayload = actionRunPayload({
      runId: id,
      action,
      startedBy,
      origin: source,
      at: now,
      entityIdentifier: body.entity ?? null,
      entity,
      properties,
    });
    const installationId = agentInstallationOf(invocation);
    // An agent's run carries what it executes: the invocation method, inputs rendered in (Port).
    const payload = installationId
      ? agentPayload(action.invocationMethod, {
          inputs: properties,
          properties,
          entity: entity ?? null,
          trigger: webhookPayload.trigger,
          run: { id },
        })
      : webhookPayload;
    await insertActionRun(tx, {
      id,
      actionIdentifier: action.identifier,
      actionTitle: action.title,
      actionIcon: action.icon,
      blueprintIdentifier: action.blueprint,
      blueprintTitle: blueprint?.title ?? null,
      blueprintIcon: blueprint?.icon ?? null,
      entityIdentifier: entity?.identifier ?? null,
      entityTitle: entity?.title ?? null,
      status: initialStatus(required),
      source,
      properties,
      payload,
      installationId,
      // An agent's run is on the queue from the start (below), never left to the transfer.
      dispatchedAt: installationId && initialStatus(required) === 'IN_PROGRESS' ? now : null,
      requiredApproval: required,
      synchronized: invocation.synchronized === true,
      allowAnyoneToView: action.allowAnyoneToViewRuns,
      createdBy: startedBy.id,
      updatedBy: startedBy.id,
      createdAt: now,
      updatedAt: now,
    });
    if (initialStatus(required) === 'IN_PROGRESS') {
      await queueAgentActionRun(
        tx,
        { id, installationId, actionIdentifier: action.identifier },
        now,
      );
    }
    await auditRunChange(
      tx,
      {
        runId: id,
        blueprint: action.blueprint,
        entity: entity?.identifier ?? null,
        action: action.identifier,
        workflow: null,
        visibility: { allowAnyoneToView: action.allowAnyoneToViewRuns, createdBy: startedBy.id },
      },
      { userId: startedBy.id, origin: source },
      now,
      null,
      { status: initialStatus(required), properties },
    );
    return getActionRun(tx, id, actor, options.version ?? 'v1');
  });
}

/**
 * An INTEGRATION_ACTION run that is now IN_PROGRESS waits for an agent: its work item is added in
 * the caller's transaction (the one that starts or approves the run). Others are left alone.
 */
export async function queueAgentActionRun(
  tx: Tx,
  run: { id: string; installationId: string | null; actionIdentifier: string },
  now: Date,
) {
  if (run.installationId === null) return;
  await queueAgentWork(
    tx,
    [
      {
        kind: 'agent_action_run',
        subjectId: run.id,
        installationId: run.installationId,
        exclusionKey: run.actionIdentifier,
      },
    ],
    now,
  );
}

function agentPayload(method: unknown, scope: Record<string, unknown>) {
  const parsed = integrationActionInvocationSchema.safeParse(method);
  if (!parsed.success) {
    throw invalid(
      `The action's INTEGRATION_ACTION invocationMethod is incomplete; update the action`,
    );
  }
  try {
    return integrationPayload(parsed.data, scope);
  } catch (err) {
    if (err instanceof TemplateError) {
      throw invalid(`invocationMethod.integrationActionExecutionProperties: ${err.message}`);
    }
    throw err;
  }
}

/** `PATCH /actions/runs/{id}`: label, link, summary, external id, and maybe the end. */
export async function patchActionRun(
  db: Db,
  id: string,
  body: ActionRunPatch,
  actor: Actor,
  now: Date,
  version: RunVersion,
) {
  return db.transaction(async (tx) => {
    const run = await loadVisibleActionRun(tx, id, actor, true);
    assertNotEnded(run);
    if (body.status) {
      assertCanControl(actor, run, `action run "${id}"`, 'end it');
      assertCanTerminate(run, body.status);
    }
    await updateActionRun(tx, id, {
      ...(body.statusLabel !== undefined ? { statusLabel: body.statusLabel } : {}),
      ...(body.link !== undefined ? { link: body.link } : {}),
      ...(body.summary !== undefined ? { summary: body.summary } : {}),
      ...(body.externalRunId !== undefined ? { externalRunId: body.externalRunId } : {}),
      updatedBy: actor.id,
      updatedAt: now,
    });
    if (body.status) await endActionRun(tx, run, body.status, actor, now);
    return getActionRun(tx, id, actor, version);
  });
}

/** `POST /actions/runs/{id}/logs`: one line, optionally with a label and the end of the run. */
export async function postActionRunLog(
  db: Db,
  id: string,
  body: ActionRunLogPost,
  actor: Actor,
  now: Date,
) {
  return db.transaction(async (tx) => {
    const run = await loadVisibleActionRun(tx, id, actor, true);
    assertNotEnded(run);
    if (body.terminationStatus) {
      assertCanControl(actor, run, `action run "${id}"`, 'end it');
      assertCanTerminate(run, body.terminationStatus);
    }
    const [line] = await appendActionRunLogs(
      tx,
      id,
      [{ level: body.level, message: body.message }],
      actor.id,
      now,
    );
    const label = body.statusLabel !== undefined ? { statusLabel: body.statusLabel } : {};
    if (body.terminationStatus) {
      await endActionRun(tx, run, body.terminationStatus, actor, now, { changes: label });
    } else if (body.statusLabel !== undefined) {
      await updateActionRun(tx, id, { ...label, updatedBy: actor.id, updatedAt: now });
    }
    return toRunLog(line!);
  });
}

/**
 * Log lines after a position, in order. Seqs run 1, 2, 3… without gaps, so Port's `offset` is
 * the same position as the [ext] `cursor`. `nextCursor` is null only when the run has ended and
 * the page is short: then no line can follow.
 */
export async function readActionRunLogs(
  db: DbOrTx,
  id: string,
  query: ActionRunLogsQuery,
  actor: Actor,
) {
  const run = await loadVisibleActionRun(db, id, actor);
  const after = query.cursor !== undefined ? Number(query.cursor) : (query.offset ?? 0);
  const limit = query.limit ?? (query.cursor !== undefined ? 1000 : 50);
  const rows = await actionRunLogsAfter(db, id, after, limit);
  const lastSeq = rows.length ? rows[rows.length - 1]!.seq : after;
  return {
    runLogs: rows.map(toRunLog),
    nextCursor: rows.length < limit && isEnded(run.status) ? null : String(lastSeq),
  };
}

/**
 * What a backend reports on an action run it was invoked for: lines, and for a synchronized
 * run (Port sets its status from the webhook's answer) the end. A run that ended meanwhile is
 * left as it is.
 */
export async function reportActionRunOutcome(
  db: Db,
  runId: string,
  lines: RunLogInput[],
  status: 'SUCCESS' | 'FAILURE' | undefined,
  actor: Actor,
  now: Date,
) {
  await db.transaction(async (tx) => {
    const run = await loadVisibleActionRun(tx, runId, actor, true);
    if (isEnded(run.status)) return;
    await appendActionRunLogs(tx, runId, lines, actor.id, now);
    if (status) await endActionRun(tx, run, status, actor, now);
  });
}
