import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowRun } from '../../contract/workflows';
import { machineUser, startTestServer, type TestServer } from '../test/harness';
import {
  createLinearWorkflow,
  getRun,
  nodeRunOf,
  patchNode,
  startRun,
  unknownId,
} from '../test/workflow-fixtures';

/**
 * [ext] GET /v1/workflows/nodes/runs/{wfnr}: which run a node run belongs to (the dashboard's
 * run-id box opens `/runs/<wfr>?node=<wfnr>` with it), under the run's visibility rule.
 */
let t: TestServer;
let adminRun: WorkflowRun;
let memberRun: WorkflowRun;
beforeAll(async () => {
  t = await startTestServer();
  await createLinearWorkflow(t, 'private-nodes', { allowAnyoneToViewRuns: false });
  adminRun = await startRun(t, 'private-nodes', 'admin');
  memberRun = await startRun(t, 'private-nodes', 'member');
});
afterAll(async () => t.close());

const getNodeRun = (id: string, as: 'admin' | 'member' | 'anonymous' = 'admin', headers = {}) =>
  t.api(as, 'GET', `/workflows/nodes/runs/${encodeURIComponent(id)}`, undefined, headers);

describe('GET /v1/workflows/nodes/runs/{wfnr}', () => {
  it('answers the node run as its run lists it, without the output, with its run’s identifier', async () => {
    const work = nodeRunOf(adminRun, 'work').identifier;
    const patched = await patchNode(t, work, {
      output: { big: 'x'.repeat(1000) },
      logs: [{ logLevel: 'WARN', log: 'careful' }],
      links: ['https://ci.example.com/jobs/1'],
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);

    const res = await getNodeRun(work);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const {
      output,
      delivery: _delivery,
      ...listed
    } = nodeRunOf(await getRun(t, adminRun.identifier), 'work');
    expect(output).toEqual({ big: 'x'.repeat(1000) });
    expect(res.body).toEqual({
      ok: true,
      nodeRun: { ...listed, workflowRunIdentifier: adminRun.identifier },
    });
    expect(res.body.nodeRun).not.toHaveProperty('output');
    expect(res.body.nodeRun.logCounts.WARN).toBe(1);
    expect(res.body.nodeRun.links).toEqual(['https://ci.example.com/jobs/1']);
  });

  it('answers a completed trigger node run too', async () => {
    const trigger = nodeRunOf(memberRun, 'trigger').identifier;
    const res = await getNodeRun(trigger, 'member');
    expect(res.status).toBe(200);
    expect(res.body.nodeRun).toMatchObject({
      identifier: trigger,
      nodeIdentifier: 'trigger',
      status: 'COMPLETED',
      result: 'SUCCESS',
      workflowRunIdentifier: memberRun.identifier,
    });
  });

  it('answers a member who may not view the run exactly as for a missing id: 404', async () => {
    const hidden = nodeRunOf(adminRun, 'work').identifier;
    const res = await getNodeRun(hidden, 'member');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      ok: false,
      error: 'not_found',
      message: `Node run "${hidden}" was not found`,
    });
    const missing = await getNodeRun(unknownId('wfnr_'), 'member');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      ok: false,
      error: 'not_found',
      message: `Node run "${unknownId('wfnr_')}" was not found`,
    });
    // The member's own run of the same private workflow is theirs to read.
    expect((await getNodeRun(nodeRunOf(memberRun, 'work').identifier, 'member')).status).toBe(200);
  });

  it('shows machine credentials every node run; without credentials it is 401', async () => {
    const { authorization } = await machineUser(t, 'machine');
    const work = nodeRunOf(memberRun, 'work').identifier;
    const res = await getNodeRun(work, 'anonymous', { authorization });
    expect(res.status).toBe(200);
    expect(res.body.nodeRun.workflowRunIdentifier).toBe(memberRun.identifier);
    expect((await getNodeRun(work, 'anonymous')).status).toBe(401);
  });

  it('answers 422 naming the parameter for a malformed id', async () => {
    for (const id of ['wfnr_short', 'wfr_AAAAAAAAAAAAAAAA', 'wfnr_AAAAAAAAAAAAAAA!']) {
      const res = await getNodeRun(id);
      expect(res.status, id).toBe(422);
      expect(res.body.ok).toBe(false);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.message).toMatch(/path\.wfnr: must be "wfnr_" followed by 16 letters/);
    }
  });

  it('leaves Ocean’s lookup by external_run_id as it was: a list, [] when none', async () => {
    const work = nodeRunOf(memberRun, 'work').identifier;
    expect(
      (await patchNode(t, work, { status: 'IN_PROGRESS', externalRunId: 'gl_1_2' })).status,
    ).toBe(200);
    const found = await t.api('admin', 'GET', '/workflows/nodes/runs?external_run_id=gl_1_2');
    expect(found.status).toBe(200);
    expect(found.body.nodeRuns.map((n: { identifier: string }) => n.identifier)).toEqual([work]);
    const none = await t.api('admin', 'GET', '/workflows/nodes/runs?external_run_id=gl_none');
    expect(none.body).toEqual({ ok: true, nodeRuns: [] });
  });

  it('is in the OpenAPI document', async () => {
    const doc = await t.api('anonymous', 'GET', '/openapi.json');
    expect(doc.body.paths['/v1/workflows/nodes/runs/{wfnr}'].get.summary).toMatch(/\[ext\]/);
  });
});
