import type { NodeRunPatch } from '../../contract/workflows';
import type { Db } from '../db/client';
import type { LogInput } from '../db/workflow-runs';
import type { Actor } from '../domain/permissions';
import { assertCanControl, assertNodeRunOpen } from '../domain/run-controls';
import { lockNodeRun } from './run-access';
import { markNodeRunComplete } from './run-controls';
import { applyNodeRunReport, reportOfPatch } from './run-engine';

/**
 * Port's node-run PATCH: a backend reports lines, output and completion. With the [ext]
 * `reason` it is a person marking the node run complete, a run control.
 */
export async function patchNodeRun(
  db: Db,
  nodeRunIdentifier: string,
  body: NodeRunPatch,
  actor: Actor,
  now: Date,
  runIdentifier?: string,
) {
  const { reason } = body;
  if (reason !== undefined) {
    return markNodeRunComplete(
      db,
      nodeRunIdentifier,
      { ...body, reason },
      actor,
      now,
      runIdentifier,
    );
  }
  await db.transaction(async (tx) => {
    const { run, nodeRun } = await lockNodeRun(tx, nodeRunIdentifier, actor, runIdentifier);
    // Ending a node run ends work someone started: the run-control rule applies, as for /complete.
    if (body.status === 'COMPLETED') {
      assertCanControl(actor, run, `workflow run "${run.identifier}"`, 'complete its node runs');
    }
    assertNodeRunOpen(nodeRun);
    await applyNodeRunReport(tx, run, nodeRun, reportOfPatch(body), now);
  });
}

/** `POST /workflows/nodes/runs/{id}/logs`: lines on a node run still in progress. */
export async function postNodeRunLogs(
  db: Db,
  nodeRunIdentifier: string,
  lines: LogInput[],
  actor: Actor,
  now: Date,
) {
  await db.transaction(async (tx) => {
    const { run, nodeRun } = await lockNodeRun(tx, nodeRunIdentifier, actor);
    assertNodeRunOpen(nodeRun);
    await applyNodeRunReport(tx, run, nodeRun, { logs: lines }, now);
  });
}
