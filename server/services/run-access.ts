import { findActionRun, findActionRunWithFlags } from '../db/action-runs';
import type { DbOrTx, Tx } from '../db/client';
import { findNodeRun, findWorkflowRun, lockRunOfNodeRun } from '../db/workflow-runs';
import { notFound } from '../domain/errors';
import { canViewRun, type Actor } from '../domain/permissions';

/**
 * Loading one run the actor may view (optionally locking its row). A run the caller may not
 * view answers exactly like a run that does not exist: 404.
 */

export async function loadVisibleWorkflowRun(
  db: DbOrTx,
  identifier: string,
  actor: Actor,
  lock = false,
) {
  const row = await findWorkflowRun(db, identifier, lock);
  if (!row || !canViewRun(actor, row)) throw notFound(`Workflow run "${identifier}"`);
  return row;
}

export async function loadVisibleActionRun(db: DbOrTx, id: string, actor: Actor, lock = false) {
  const row = await findActionRun(db, id, lock);
  if (!row || !canViewRun(actor, row)) throw notFound(`Action run "${id}"`);
  return row;
}

/** The same read with whether the entity, blueprint and action it names still exist (answers). */
export async function loadVisibleActionRunWithFlags(db: DbOrTx, id: string, actor: Actor) {
  const row = await findActionRunWithFlags(db, id);
  if (!row || !canViewRun(actor, row.run)) throw notFound(`Action run "${id}"`);
  return row;
}

/** Locks the run that owns a node run, then reads the node run; 404 when either is not visible. */
export async function lockNodeRun(
  tx: Tx,
  nodeRunIdentifier: string,
  actor: Actor,
  runIdentifier?: string,
) {
  // On the run-scoped path, a node run of another run is named with the run the path gave.
  const gone = () =>
    notFound(
      runIdentifier === undefined
        ? `Node run "${nodeRunIdentifier}"`
        : `Node run "${nodeRunIdentifier}" of workflow run "${runIdentifier}"`,
    );
  // The owner run found and locked in one statement; the node run read under that lock (so it
  // cannot predate a completion that just committed).
  const run = await lockRunOfNodeRun(tx, nodeRunIdentifier);
  if (!run || (runIdentifier !== undefined && run.identifier !== runIdentifier)) throw gone();
  if (!canViewRun(actor, run)) throw gone();
  const nodeRun = await findNodeRun(tx, nodeRunIdentifier);
  if (!nodeRun) throw gone();
  return { run, nodeRun };
}
