import type { ActionBody, BlueprintBody } from '../../contract/actions';
import type { WorkflowBody } from '../../contract/workflows';
import { deleteActionRow, getActionRow, insertAction, listActions, toAction } from '../db/actions';
import {
  blueprintsRelatingTo,
  countEntitiesOf,
  deleteActionsOf,
  deleteBlueprintRow,
  deleteEntitiesOf,
  findBlueprintRow,
  getBlueprintRow,
  insertBlueprint,
  listBlueprints,
  toBlueprint,
} from '../db/blueprints';
import type { Db, DbOrTx } from '../db/client';
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
import { conflict, forbidden, invalid, notFound } from '../domain/errors';
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
  const blueprint = body.blueprint ?? body.trigger.blueprintIdentifier;
  if (blueprint !== undefined) await getBlueprintRow(db, blueprint);
  return insertAction(db, body, actor, now);
}

export const deleteAction = deleteActionRow;

export const getAction = async (db: DbOrTx, identifier: string) =>
  toAction(await getActionRow(db, identifier));
export { listActions };

/** A blueprint's relations must target blueprints that exist (or itself). */
export async function createBlueprint(db: DbOrTx, body: BlueprintBody, actor: Actor, now: Date) {
  for (const [key, relation] of Object.entries(body.relations)) {
    if (relation.target === body.identifier) continue;
    if (!(await findBlueprintRow(db, relation.target))) {
      throw notFound(`Blueprint "${relation.target}" (target of relation "${key}")`);
    }
  }
  return insertBlueprint(db, body, actor, now);
}

/**
 * Port's delete: refused (409) while the blueprint has entities, unless `delete_entities`, or
 * while another blueprint's relation targets it; `delete_actions` also deletes its actions.
 */
export async function deleteBlueprint(
  db: Db,
  identifier: string,
  options: { delete_actions: boolean; delete_entities: boolean },
) {
  await db.transaction(async (tx) => {
    await getBlueprintRow(tx, identifier);
    if (identifier === '_team' || identifier === '_user') {
      throw forbidden(`Blueprint "${identifier}" is built in and cannot be deleted`);
    }
    const relating = await blueprintsRelatingTo(tx, identifier);
    if (relating.length > 0) {
      throw conflict(
        `Blueprint "${identifier}" is the target of relations of ${relating.map((b) => `"${b}"`).join(', ')}; delete those first`,
      );
    }
    const entityCount = await countEntitiesOf(tx, identifier);
    if (entityCount > 0 && !options.delete_entities) {
      throw conflict(
        `Blueprint "${identifier}" still has ${entityCount} entit${entityCount === 1 ? 'y' : 'ies'}; delete them first or send delete_entities=true`,
      );
    }
    await deleteEntitiesOf(tx, identifier);
    if (options.delete_actions) await deleteActionsOf(tx, identifier);
    await deleteBlueprintRow(tx, identifier);
  });
}

export async function deleteAllEntitiesOf(db: DbOrTx, identifier: string) {
  await getBlueprintRow(db, identifier);
  await deleteEntitiesOf(db, identifier);
}
export const getBlueprint = async (db: DbOrTx, identifier: string) =>
  toBlueprint(await getBlueprintRow(db, identifier));
export { listBlueprints };
