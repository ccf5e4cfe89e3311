import type { ActionBody, BlueprintBody } from '../../contract/actions';
import type { WorkflowBody } from '../../contract/workflows';
import { getActionRow, insertAction, listActions, toAction } from '../db/actions';
import { getBlueprintRow, insertBlueprint, listBlueprints, toBlueprint } from '../db/blueprints';
import type { DbOrTx } from '../db/client';
import { toWorkflow, toWorkflowVersion } from '../db/serialize';
import { visibleToSql } from '../db/visibility';
import {
  deleteWorkflowRow,
  getWorkflowRow,
  insertWorkflow,
  listWorkflows,
  updateWorkflow,
  workflowVersionRow,
  workflowStats as queryWorkflowStats,
} from '../db/workflows';
import { invocationUrlProblem, webhookUrlProblem } from '../domain/backends';
import { invalid, notFound } from '../domain/errors';
import { graphProblem } from '../domain/graph';
import type { Actor } from '../domain/permissions';

/** Definitions: workflows, blueprints and actions (who may change them is checked by routes). */

function checkGraph(body: Pick<WorkflowBody, 'nodes' | 'connections'>) {
  const problem = graphProblem(body);
  if (problem) throw invalid(`Invalid workflow graph: ${problem}`);
  const urlProblem = webhookUrlProblem(body.nodes);
  if (urlProblem) throw invalid(`Invalid workflow: ${urlProblem}`);
}

export function createWorkflow(db: DbOrTx, body: WorkflowBody, actor: Actor, now: Date) {
  checkGraph(body);
  return insertWorkflow(db, body, actor, now);
}

export function replaceWorkflow(
  db: DbOrTx,
  identifier: string,
  body: Omit<WorkflowBody, 'identifier'>,
  actor: Actor,
  now: Date,
) {
  checkGraph(body);
  return updateWorkflow(db, identifier, body, actor, now);
}

export const deleteWorkflow = deleteWorkflowRow;
export const getWorkflow = async (db: DbOrTx, identifier: string) =>
  toWorkflow(await getWorkflowRow(db, identifier));
export { listWorkflows };

/**
 * [ext] The graph a version had (kept after replace and delete), for drawing its runs; 404 for a
 * version that never existed (no fallback to the current graph).
 */
export async function getWorkflowVersion(db: DbOrTx, identifier: string, version: number) {
  const row = await workflowVersionRow(db, identifier, version);
  if (!row) throw notFound(`Version ${version} of workflow "${identifier}"`);
  return toWorkflowVersion(row);
}

/** [ext] Per workflow, over the runs `actor` may view: the latest, those in progress, the total. */
export const workflowStats = (db: DbOrTx, actor: Actor) =>
  queryWorkflowStats(db, (columns) => visibleToSql(actor, columns));

export async function createAction(db: DbOrTx, body: ActionBody, actor: Actor, now: Date) {
  const urlProblem = invocationUrlProblem(body.invocationMethod);
  if (urlProblem) throw invalid(urlProblem);
  await getBlueprintRow(db, body.blueprint);
  return insertAction(db, body, actor, now);
}

export const getAction = async (db: DbOrTx, identifier: string) =>
  toAction(await getActionRow(db, identifier));
export { listActions };

export const createBlueprint = (db: DbOrTx, body: BlueprintBody, actor: Actor, now: Date) =>
  insertBlueprint(db, body, actor, now);
export const getBlueprint = async (db: DbOrTx, identifier: string) =>
  toBlueprint(await getBlueprintRow(db, identifier));
export { listBlueprints };
