import { expect } from 'vitest';
import type { NodeRun, WorkflowRun } from '../../contract/workflows';
import type { TestServer } from './harness';

type As = 'admin' | 'member';

interface NodeSpec {
  identifier: string;
  type?: string;
  onFailure?: 'terminate' | 'continue';
}

/** A workflow body: the first node is a SELF_SERVE_TRIGGER unless typed otherwise. */
export function workflowBody(
  identifier: string,
  nodes: (string | NodeSpec)[],
  connections: [string, string][],
  extra: Record<string, unknown> = {},
) {
  return {
    identifier,
    title: `Workflow ${identifier}`,
    nodes: nodes.map((n, i) => {
      const spec = typeof n === 'string' ? { identifier: n } : n;
      return {
        identifier: spec.identifier,
        title: `Node ${spec.identifier}`,
        config: { type: spec.type ?? (i === 0 ? 'SELF_SERVE_TRIGGER' : 'WEBHOOK') },
        ...(spec.onFailure ? { onFailure: spec.onFailure } : {}),
      };
    }),
    connections: connections.map(([sourceIdentifier, targetIdentifier]) => ({
      sourceIdentifier,
      targetIdentifier,
    })),
    ...extra,
  };
}

export async function createWorkflow(t: TestServer, body: ReturnType<typeof workflowBody>) {
  const res = await t.api('admin', 'POST', '/workflows', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.workflow as { identifier: string; version: number };
}

/** trigger → work: the smallest workflow whose run waits for a backend. */
export async function createLinearWorkflow(t: TestServer, identifier: string, extra = {}) {
  return createWorkflow(
    t,
    workflowBody(identifier, ['trigger', 'work'], [['trigger', 'work']], extra),
  );
}

/**
 * trigger → work, a KAFKA node: no backend delivery moves its run, so nothing but the test
 * changes it between two polls.
 */
export async function createQuietWorkflow(t: TestServer, identifier: string, extra = {}) {
  return createWorkflow(
    t,
    workflowBody(
      identifier,
      ['trigger', { identifier: 'work', type: 'KAFKA' }],
      [['trigger', 'work']],
      extra,
    ),
  );
}

export async function startRun(
  t: TestServer,
  workflow: string,
  as: As = 'admin',
  body: Record<string, unknown> = {},
): Promise<WorkflowRun> {
  const res = await t.api(as, 'POST', `/workflows/${workflow}/runs`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.workflowRun as WorkflowRun;
}

export async function getRun(t: TestServer, id: string, as: As = 'admin'): Promise<WorkflowRun> {
  const res = await t.api(as, 'GET', `/workflows/runs/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.workflowRun as WorkflowRun;
}

/** The latest node run of `node` in `run`. */
export function nodeRunOf(run: WorkflowRun, node: string): NodeRun {
  const found = run.nodeRuns.filter((n) => n.nodeIdentifier === node).at(-1);
  if (!found) throw new Error(`run ${run.identifier} has no node run for "${node}"`);
  return found;
}

export const nodeStates = (run: WorkflowRun) =>
  run.nodeRuns.map((n) => [n.nodeIdentifier, n.status, n.result]);

export async function patchNode(
  t: TestServer,
  nodeRunId: string,
  body: Record<string, unknown>,
  as: As = 'admin',
) {
  return t.api(as, 'PATCH', `/workflows/nodes/runs/${nodeRunId}`, body);
}

export async function completeNode(
  t: TestServer,
  nodeRunId: string,
  result: 'SUCCESS' | 'FAILED' | 'CANCELLED' = 'SUCCESS',
  extra: Record<string, unknown> = {},
) {
  const res = await patchNode(t, nodeRunId, { status: 'COMPLETED', result, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** An id of the right shape that no row has. */
export const unknownId = (prefix: 'wfr_' | 'wfnr_') => `${prefix}ZZZZZZZZZZZZZZZZ`;
