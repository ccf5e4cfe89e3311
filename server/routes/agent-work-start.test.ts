import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { nodeRuns, workItems } from '../db/schema';
import { startTestServer, type TestServer } from '../test/harness';

// No dispatcher runs here: whatever an agent claims was queued by the request that started it.
let t: TestServer;
const CLAIM = { installationId: 'gitlab-ocean', limit: 100, visibilityTimeoutMs: 60_000 };

beforeAll(async () => {
  t = await startTestServer({ withoutDispatcher: true });
  await t.api('admin', 'POST', '/blueprints', { identifier: 'repo', title: 'Repository' });
  const action = await t.api('admin', 'POST', '/actions', {
    identifier: 'approved_pipeline',
    title: 'Approved pipeline',
    blueprint: 'repo',
    trigger: { operation: 'CREATE', userInputs: { properties: { ref: { type: 'string' } } } },
    requiredApproval: true,
    invocationMethod: {
      type: 'INTEGRATION_ACTION',
      installationId: 'gitlab-ocean',
      integrationActionType: 'trigger_pipeline',
      integrationActionExecutionProperties: { ref: '{{ .inputs.ref }}' },
    },
  });
  expect(action.status, JSON.stringify(action.body)).toBe(201);
  const wf = await t.api('admin', 'POST', '/workflows', {
    identifier: 'release',
    title: 'Release',
    nodes: [
      { identifier: 'trigger', config: { type: 'SELF_SERVE_TRIGGER' } },
      {
        identifier: 'pipeline',
        config: {
          type: 'INTEGRATION_ACTION',
          installationId: 'gitlab-ocean',
          integrationProvider: 'gitlab',
          integrationInvocationType: 'trigger_pipeline',
          integrationActionExecutionProperties: {
            project: 'acme/{{ .inputs.service }}',
            ref: '{{ .inputs.ref }}',
            variables: { COUNT: '{{ .inputs.count }}' },
          },
        },
      },
    ],
    connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'pipeline' }],
  });
  expect(wf.status, JSON.stringify(wf.body)).toBe(201);
});
afterAll(async () => t.close());

const claimNodes = () => t.api('machine', 'POST', '/workflows/runs/claim-pending', CLAIM);
const claimActions = () => t.api('machine', 'POST', '/actions/runs/claim-pending', CLAIM);

async function startRelease(inputs: Record<string, unknown>) {
  const res = await t.api('admin', 'POST', '/workflows/release/runs', { inputs });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const run = res.body.workflowRun;
  const nodeRun = run.nodeRuns.find(
    (n: { nodeIdentifier: string }) => n.nodeIdentifier === 'pipeline',
  );
  return { run: run.identifier as string, nodeRun: nodeRun.identifier as string };
}

describe('agent work is queued by the request that starts it', () => {
  it('hands a node run to the first claim after its start, with its config rendered against the run', async () => {
    const { nodeRun } = await startRelease({ service: 'api', ref: 'v2', count: 3 });
    const [item] = await t.database.db
      .select()
      .from(workItems)
      .where(eq(workItems.subjectId, nodeRun));
    expect(item).toMatchObject({ kind: 'agent_node_run', state: 'queued' });
    const [row] = await t.database.db
      .select({ dispatchedAt: nodeRuns.dispatchedAt, createdAt: nodeRuns.createdAt })
      .from(nodeRuns)
      .where(eq(nodeRuns.identifier, nodeRun));
    expect(row?.dispatchedAt).toEqual(row?.createdAt);

    const claimed = await claimNodes();
    expect(claimed.status).toBe(200);
    expect(claimed.body.nodeRuns).toHaveLength(1);
    expect(claimed.body.nodeRuns[0]).toMatchObject({
      identifier: nodeRun,
      config: {
        type: 'INTEGRATION_ACTION',
        installationId: 'gitlab-ocean',
        integrationActionExecutionProperties: {
          project: 'acme/api',
          ref: 'v2',
          variables: { COUNT: 3 },
        },
      },
    });
    await t.api('machine', 'PATCH', `/workflows/nodes/runs/${nodeRun}`, {
      externalRunId: 'gl_1_2',
    });
    const found = await t.api(
      'machine',
      'GET',
      '/workflows/nodes/runs?external_run_id=gl_1_2&include=nodeConfig',
    );
    expect(found.body.nodeRuns[0].node.config.integrationActionExecutionProperties).toEqual({
      project: 'acme/api',
      ref: 'v2',
      variables: { COUNT: 3 },
    });
  });

  it('fails a node run whose config refers to a missing input, with the reason in its log, and queues nothing', async () => {
    const { run, nodeRun } = await startRelease({ service: 'api', ref: 'v2' });
    const read = await t.api('admin', 'GET', `/workflows/runs/${run}`);
    expect(read.body.workflowRun).toMatchObject({ status: 'COMPLETED', result: 'FAILED' });
    const pipeline = read.body.workflowRun.nodeRuns.find(
      (n: { identifier: string }) => n.identifier === nodeRun,
    );
    expect(pipeline).toMatchObject({ status: 'COMPLETED', result: 'FAILED' });
    const logs = await t.api('admin', 'GET', `/workflows/nodes/runs/${nodeRun}/logs`);
    expect(logs.body.logs.map((l: { log: string }) => l.log)).toEqual([
      'Template error in node "pipeline": Template reference "{{ .inputs.count }}" has no value',
    ]);
    const items = await t.database.db
      .select()
      .from(workItems)
      .where(eq(workItems.subjectId, nodeRun));
    expect(items).toEqual([]);
    expect((await claimNodes()).body.nodeRuns).toEqual([]);
  });

  it('queues a re-run from an agent node in the re-run’s own transaction', async () => {
    const { run, nodeRun } = await startRelease({ service: 'web', ref: 'v3', count: 1 });
    await claimNodes();
    await t.api('machine', 'PATCH', '/workflows/runs/ack', { nodeRunIdentifier: nodeRun });
    await t.api('machine', 'PATCH', `/workflows/nodes/runs/${nodeRun}`, {
      status: 'COMPLETED',
      result: 'FAILED',
    });
    const rerun = await t.api('admin', 'POST', `/workflows/runs/${run}/rerun`, {
      fromNode: 'pipeline',
    });
    expect(rerun.status, JSON.stringify(rerun.body)).toBe(201);
    const claimed = await claimNodes();
    expect(claimed.body.nodeRuns).toHaveLength(1);
    expect(claimed.body.nodeRuns[0].config.integrationActionExecutionProperties.project).toBe(
      'acme/web',
    );
  });

  it('queues an action run that waits for approval only when it is approved', async () => {
    const started = await t.api('member', 'POST', '/actions/approved_pipeline/runs', {
      properties: { ref: 'main' },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id = started.body.run.id as string;
    expect((await claimActions()).body.runs).toEqual([]);
    const approved = await t.api('admin', 'PATCH', `/actions/runs/${id}/approval`, {
      status: 'APPROVE',
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(201);
    const claimed = await claimActions();
    expect(claimed.body.runs.map((r: { id: string }) => r.id)).toEqual([id]);
    expect(claimed.body.runs[0].payload.integrationActionExecutionProperties).toEqual({
      ref: 'main',
    });
  });
});
