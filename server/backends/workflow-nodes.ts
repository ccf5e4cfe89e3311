import { entityBodySchema } from '../../contract/entities';
import type { LogLevel, WorkflowNode } from '../../contract/workflows';
import type { Db } from '../db/client';
import type { nodeRuns, workflowRuns } from '../db/schema';
import { workflowGraphAt } from '../db/workflows';
import { ApiError } from '../domain/errors';
import type { Actor } from '../domain/permissions';
import { render, TemplateError } from '../domain/templates';
import { nodeOwesDelivery } from '../domain/delivery';
import type { AttemptOutcome } from '../domain/work-queue';
import { loadOwedNodeRun } from '../services/backend-work';
import { createEntity, toEntity } from '../services/entities';
import { patchNodeRun, postNodeRunLogs } from '../services/node-runs';
import { deliver, deliveryProblem, type DeliveryAttempt, type DeliveryOptions } from './http';

type NodeRunRow = typeof nodeRuns.$inferSelect;
type RunRow = typeof workflowRuns.$inferSelect;

export interface BackendContext {
  db: Db;
  clock: () => Date;
  delivery: DeliveryOptions;
  secret: () => Promise<string>;
}

/** Who reports a backend's results: a machine credential that may see every run. */
export const BACKEND_ACTOR: Actor = {
  id: 'runboard',
  email: 'runboard@localhost',
  role: 'machine',
};

/** A late report (the run was cancelled meanwhile) is refused by the service; that is fine. */
async function tolerateEnded(work: Promise<void>) {
  try {
    await work;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
  }
}

function logLine(ctx: BackendContext, nodeRun: NodeRunRow, level: LogLevel, message: string) {
  return tolerateEnded(
    postNodeRunLogs(
      ctx.db,
      nodeRun.identifier,
      [{ level, message }],
      { actor: BACKEND_ACTOR },
      ctx.clock(),
    ),
  );
}

function complete(
  ctx: BackendContext,
  nodeRun: NodeRunRow,
  result: 'SUCCESS' | 'FAILED' | 'CANCELLED',
  output: Record<string, unknown> | undefined,
  logs: { level: LogLevel; message: string }[],
) {
  return tolerateEnded(
    patchNodeRun(
      ctx.db,
      nodeRun.identifier,
      {
        status: 'COMPLETED',
        result,
        ...(output !== undefined ? { output } : {}),
        logs: logs.map((l) => ({ logLevel: l.level, log: l.message })),
      },
      BACKEND_ACTOR,
      ctx.clock(),
    ),
  );
}

const DONE: AttemptOutcome = { kind: 'done' };

/**
 * Fails the node run with the reason. The queue is done with it: there was nothing it could
 * deliver (a bad url, template or mapping); a delivery that failed says so itself.
 */
async function fail(
  ctx: BackendContext,
  nodeRun: NodeRunRow,
  message: string,
): Promise<AttemptOutcome> {
  await complete(ctx, nodeRun, 'FAILED', undefined, [{ level: 'ERROR', message }]);
  return DONE;
}

const asObject = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : value === undefined
      ? {}
      : { response: value };

function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

async function runWebhook(
  ctx: BackendContext,
  run: RunRow,
  nodeRun: NodeRunRow,
  config: Record<string, unknown>,
  attempt: DeliveryAttempt,
): Promise<AttemptOutcome> {
  const scope = { inputs: run.inputs, outputs: run.outputs };
  const url = render(config.url, scope);
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    return fail(ctx, nodeRun, `WEBHOOK url must render to an http(s) URL; got ${String(url)}`);
  }
  const context = {
    workflowIdentifier: run.workflowIdentifier,
    workflowRunId: run.identifier,
    nodeRunId: nodeRun.identifier,
    nodeIdentifier: nodeRun.nodeIdentifier,
    deliveryId: attempt.id,
    attempt: attempt.number,
  };
  const rendered = config.body === undefined ? {} : render(config.body, scope);
  const body =
    rendered !== null && typeof rendered === 'object' && !Array.isArray(rendered)
      ? { ...rendered, context }
      : { body: rendered, context };
  const synchronized = config.synchronized !== false;
  const delivery = await deliver(
    {
      url,
      method: typeof config.method === 'string' ? config.method : 'POST',
      headers: stringRecord(render(config.headers ?? {}, scope)),
      body,
      secret: await ctx.secret(),
    },
    ctx.delivery,
    attempt,
    (a) => logLine(ctx, nodeRun, a.failed ? 'WARN' : 'INFO', a.line),
  );
  const problem = deliveryProblem(delivery, attempt);
  if (problem?.retry) return { kind: 'retry', reason: problem.message };
  if (problem || delivery.kind === 'error') {
    const reason = problem?.message ?? 'Webhook failed';
    await fail(ctx, nodeRun, reason);
    return { kind: 'failed', reason };
  }
  if (synchronized) {
    await complete(ctx, nodeRun, 'SUCCESS', asObject(delivery.json), [
      { level: 'INFO', message: `Webhook answered ${delivery.status}; node completed` },
    ]);
    return DONE;
  }
  await logLine(
    ctx,
    nodeRun,
    'INFO',
    'Webhook accepted; waiting for the backend to report through the runs API',
  );
  return DONE;
}

async function runUpsertEntity(
  ctx: BackendContext,
  run: RunRow,
  nodeRun: NodeRunRow,
  config: Record<string, unknown>,
): Promise<AttemptOutcome> {
  const scope = { inputs: run.inputs, outputs: run.outputs };
  const blueprint = render(config.blueprintIdentifier, scope);
  if (typeof blueprint !== 'string') {
    return fail(ctx, nodeRun, 'UPSERT_ENTITY needs a blueprintIdentifier string');
  }
  const parsed = entityBodySchema.safeParse(render(config.mapping, scope));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || 'mapping'}: ${i.message}`,
    );
    return fail(
      ctx,
      nodeRun,
      `UPSERT_ENTITY mapping is not a valid entity: ${problems.join('; ')}`,
    );
  }
  // The write is the run creator's, as a `run_id` write by the run's own backend would be.
  const actor: Actor = { id: run.createdBy, email: '', role: 'machine' };
  let entity;
  try {
    const row = await createEntity(
      ctx.db,
      blueprint,
      parsed.data,
      // Merge, as Port's own clients upsert: the mapping sets its keys and leaves the rest
      // (the demo's secret rotation once erased a service's title and properties here).
      { upsert: true, merge: true, run_id: run.identifier },
      actor,
      ctx.clock(),
    );
    entity = toEntity(row!);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return fail(ctx, nodeRun, `UPSERT_ENTITY failed: ${err.message}`);
  }
  await complete(ctx, nodeRun, 'SUCCESS', entity, [
    {
      level: 'INFO',
      message: `Upserted entity "${entity.identifier}" of blueprint "${blueprint}"`,
    },
  ]);
  return DONE;
}

/**
 * Makes one attempt at what a claimed node run stands for and reports the outcome on the node
 * run. A node run that is no longer in progress (finished by someone else, or delivered before a
 * crash and already reported) is left alone.
 */
export async function executeNodeRun(
  ctx: BackendContext,
  nodeRunId: string,
  attempt: DeliveryAttempt,
): Promise<AttemptOutcome> {
  const owed = await loadOwedNodeRun(ctx.db, nodeRunId);
  if (!owed) return DONE;
  const { nodeRun, run } = owed;
  const graph = await workflowGraphAt(ctx.db, run.workflowIdentifier, run.workflowVersion);
  const node = (graph?.nodes as WorkflowNode[] | undefined)?.find(
    (n) => n.identifier === nodeRun.nodeIdentifier,
  );
  // A node the server does not invoke waits for its backend's PATCH, cancelling or not.
  if (!node || !nodeOwesDelivery(node.config)) return DONE;
  if (run.status === 'CANCELLING') {
    // Cancelled before its backend was called: nothing new starts, so it ends here, and the run
    // can complete CANCELLED instead of waiting forever on a node nobody will report.
    await complete(ctx, nodeRun, 'CANCELLED', undefined, [
      { level: 'WARN', message: 'Not invoked: the run was cancelled before this node started' },
    ]);
    return DONE;
  }
  try {
    if (node.config.type === 'WEBHOOK') {
      return await runWebhook(ctx, run, nodeRun, node.config, attempt);
    }
    return await runUpsertEntity(ctx, run, nodeRun, node.config);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    return fail(ctx, nodeRun, `Template error in node "${node.identifier}": ${err.message}`);
  }
}
