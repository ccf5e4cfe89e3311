import type { NodeRunPatch } from '../../contract/workflows';
import type { Db } from '../db/client';
import type { LogInput } from '../db/workflow-runs';
import type { Actor } from '../domain/permissions';
import { assertCanControl, assertNodeRunOpen } from '../domain/run-controls';
import { appendLogs, type LogWriter } from './log-ingest';
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
  const report = reportOfPatch(body);
  if (
    report.output === undefined &&
    !report.completion &&
    report.externalRunId === undefined &&
    report.links === undefined
  ) {
    // Only lines (Port's usual PATCH while a node runs): the slim path of POST …/logs.
    return appendLines(db, nodeRunIdentifier, report.logs, actor, now, runIdentifier);
  }
  await db.transaction(async (tx) => {
    const { run, nodeRun } = await lockNodeRun(tx, nodeRunIdentifier, actor, runIdentifier);
    // Ending a node run ends work someone started: the run-control rule applies, as for /complete.
    if (body.status === 'COMPLETED') {
      assertCanControl(actor, run, `workflow run "${run.identifier}"`, 'complete its node runs');
    }
    assertNodeRunOpen(nodeRun);
    await applyNodeRunReport(tx, run, nodeRun, report, now);
  });
}

/**
 * `POST /workflows/nodes/runs/{id}/logs`: lines on a node run still in progress, written with
 * other requests' lines by the log ingest (services/log-ingest.ts). The writer may be a bearer
 * token not yet looked up: the write checks it, under its locks.
 */
export async function postNodeRunLogs(
  db: Db,
  nodeRunIdentifier: string,
  lines: LogInput[],
  writer: LogWriter,
  now: Date,
) {
  await appendLogs(db, { nodeRun: nodeRunIdentifier, lines, writer, now });
}

/** Lines on an open node run (a PATCH that only reports lines), through the log ingest. */
async function appendLines(
  db: Db,
  nodeRunIdentifier: string,
  lines: LogInput[],
  actor: Actor,
  now: Date,
  runIdentifier?: string,
) {
  await appendLogs(db, {
    nodeRun: nodeRunIdentifier,
    run: runIdentifier,
    lines,
    writer: { actor },
    now,
  });
}
