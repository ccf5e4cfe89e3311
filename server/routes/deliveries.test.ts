import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Delivery } from '../../contract/delivery';
import type { WorkflowRun } from '../../contract/workflows';
import { startTestServer, type TestServer } from '../test/harness';
import {
  createWorkflow,
  getRun,
  nodeRunOf,
  patchNode,
  startRun,
  workflowBody,
} from '../test/workflow-fixtures';

/**
 * A backend on a free port that answers each request with `status()` (or never, while `hang` is
 * set: the test then ends the request by closing the backend's sockets).
 */
async function startReceiver() {
  let status = 503;
  let hang = false;
  let received = 0;
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      open.add(res);
      res.on('close', () => open.delete(res));
      if (!hang) res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":1}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    answer(next: number | 'hang') {
      hang = next === 'hang';
      if (next !== 'hang') status = next;
    },
    dropOpen() {
      for (const res of open) res.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let t: TestServer;
let backend: Awaited<ReturnType<typeof startReceiver>>;
let seq = 0;

beforeAll(async () => {
  backend = await startReceiver();
  // Back-off long enough that a failed attempt stays queued for the whole test: only "retry
  // delivery now" makes it due again.
  t = await startTestServer({
    backends: { retries: 4, backoffMs: 120_000, maxBackoffMs: 120_000, pollMs: 200 },
  });
});
afterAll(async () => {
  await t.close();
  await backend.close();
});

/** trigger → call, a synchronized WEBHOOK node posting to the receiver (or to `url`). */
async function webhookRun(url: string = `${backend.url}/hook`) {
  const identifier = `wf-delivery-${++seq}`;
  const body = workflowBody(identifier, ['trigger', 'call'], [['trigger', 'call']]);
  body.nodes[1]!.config = { type: 'WEBHOOK', url } as (typeof body.nodes)[1]['config'];
  await createWorkflow(t, body);
  return startRun(t, identifier);
}

async function waitForNode(
  runId: string,
  ready: (delivery: Delivery | null | undefined) => boolean,
  status = 'IN_PROGRESS',
) {
  return vi.waitFor(
    async () => {
      const node = nodeRunOf(await getRun(t, runId), 'call');
      if (!ready(node.delivery) || node.status !== status) {
        throw new Error(`not yet: ${node.status} ${JSON.stringify(node.delivery)}`);
      }
      return node;
    },
    { timeout: 10_000, interval: 50 },
  );
}

const retriedOnce = (d: Delivery | null | undefined) => d?.state === 'queued' && d.attempt === 2;

describe('delivery state on node runs', () => {
  it('shows the attempt, the next attempt and the last error while the backend answers 503', async () => {
    backend.answer(503);
    const run = await webhookRun();
    const node = await waitForNode(run.identifier, retriedOnce);
    expect(node.status).toBe('IN_PROGRESS');
    expect(node.delivery).toMatchObject({
      state: 'queued',
      attempt: 2,
      maxAttempts: 5,
      claimedUntil: null,
      target: backend.host,
    });
    expect(node.delivery?.lastError).toContain('503');
    expect(Date.parse(node.delivery!.nextAttemptAt!)).toBeGreaterThan(Date.now());
    // Lists stay slim.
    const list = await t.api('admin', 'GET', `/workflows/runs?limit=5`);
    const listed = (list.body.workflowRuns as WorkflowRun[]).find(
      (r) => r.identifier === run.identifier,
    );
    expect(listed?.nodeRuns.every((n) => !('delivery' in n))).toBe(true);
  });

  it('says a delivery failed for good, with the error, when the backend refuses it', async () => {
    backend.answer(400);
    const run = await webhookRun();
    const node = await waitForNode(run.identifier, (d) => d?.state === 'failed', 'COMPLETED');
    expect(node.result).toBe('FAILED');
    expect(node.delivery).toMatchObject({ state: 'failed', attempt: 1, target: backend.host });
    expect(node.delivery?.lastError).toMatch(/^Webhook answered 400/);
  });

  it('has no delivery for a node the server owes nothing, and no target for a templated url', async () => {
    backend.answer(503);
    const run = await webhookRun(`https://{{ .inputs.host }}/hook`);
    expect(nodeRunOf(await getRun(t, run.identifier), 'trigger').delivery).toBeNull();
    // The template has no value: the node fails and the server is done with it.
    const node = await waitForNode(run.identifier, (d) => d?.state === 'done', 'COMPLETED');
    expect(node.delivery?.target).toBeNull();
  });
});

describe('POST /v1/workflows/nodes/runs/{wfnr}/retry-delivery', () => {
  it('makes a queued delivery due now: the node completes, logged and audited', async () => {
    backend.answer(503);
    const run = await webhookRun();
    const node = await waitForNode(run.identifier, retriedOnce);
    backend.answer(200);
    const before = Date.now();
    const res = await t.api(
      'admin',
      'POST',
      `/workflows/nodes/runs/${node.identifier}/retry-delivery`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.delivery).toMatchObject({ state: 'queued', attempt: 2, target: backend.host });
    expect(Date.parse(res.body.delivery.nextAttemptAt)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(res.body.delivery.nextAttemptAt)).toBeGreaterThanOrEqual(before - 1000);
    // The node run and its work item are read one after the other: wait for both.
    const done = await waitForNode(run.identifier, (d) => d?.state === 'done', 'COMPLETED');
    const logs = await t.api('admin', 'GET', `/workflows/nodes/runs/${node.identifier}/logs`);
    const lines = (logs.body.logs as { log: string }[]).map((l) => l.log);
    expect([done.status, done.result], lines.join('\n')).toEqual(['COMPLETED', 'SUCCESS']);
    expect(lines).toContain('Delivery retried now by Avery Admin (admin@runboard.dev)');
    const audit = await t.api('admin', 'GET', `/audit-log?run_id=${run.identifier}`);
    expect(JSON.stringify(audit.body)).toContain(`"delivery":"queued"`);
  });

  it('is for admins: a member who started the run gets 403', async () => {
    backend.answer(503);
    const identifier = `wf-delivery-${++seq}`;
    const body = workflowBody(identifier, ['trigger', 'call'], [['trigger', 'call']]);
    body.nodes[1]!.config = {
      type: 'WEBHOOK',
      url: backend.url,
    } as (typeof body.nodes)[1]['config'];
    await createWorkflow(t, body);
    const run = await startRun(t, identifier, 'member');
    const node = await waitForNode(run.identifier, retriedOnce);
    const res = await t.api(
      'member',
      'POST',
      `/workflows/nodes/runs/${node.identifier}/retry-delivery`,
    );
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('Only admins may retry a delivery');
  });

  it('answers 409 while a server is sending it', async () => {
    backend.answer('hang');
    const run = await webhookRun();
    const node = await waitForNode(run.identifier, (d) => d?.state === 'claimed');
    expect(node.delivery?.claimedUntil).not.toBeNull();
    const res = await t.api(
      'admin',
      'POST',
      `/workflows/nodes/runs/${node.identifier}/retry-delivery`,
    );
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('already being delivered');
    backend.answer(503);
    backend.dropOpen();
  });

  it('answers 422 when the node run has ended, and when nothing is owed', async () => {
    backend.answer(503);
    const run = await webhookRun();
    const node = await waitForNode(run.identifier, retriedOnce);
    const marked = await patchNode(t, node.identifier, {
      status: 'COMPLETED',
      result: 'FAILED',
      reason: 'gave up on it',
    });
    expect(marked.status).toBe(200);
    const ended = await t.api(
      'admin',
      'POST',
      `/workflows/nodes/runs/${node.identifier}/retry-delivery`,
    );
    expect(ended.status).toBe(422);
    expect(ended.body.message).toContain('has ended');

    const trigger = nodeRunOf(await getRun(t, run.identifier), 'trigger');
    const none = await t.api(
      'admin',
      'POST',
      `/workflows/nodes/runs/${trigger.identifier}/retry-delivery`,
    );
    expect(none.status).toBe(422);
    expect(none.body.message).toContain('Nothing is owed');
  });
});

describe('action runs', () => {
  beforeAll(async () => {
    await t.api('admin', 'POST', '/blueprints', { identifier: 'svc', title: 'Service' });
    await t.api('admin', 'POST', '/blueprints/svc/entities', { identifier: 'api', title: 'API' });
  });

  async function actionRunOf(runId: string, version: 'v1' | 'v2') {
    const res = await t.api('admin', 'GET', `/actions/runs/${runId}?version=${version}`);
    expect(res.status).toBe(200);
    return res.body.run as { status: string; delivery?: Delivery | null };
  }

  it('shows the delivery on v1 and v2 reads, and retry-delivery makes it due now (admins only)', async () => {
    backend.answer(503);
    await t.api('admin', 'POST', '/actions', {
      identifier: 'deploy',
      title: 'Deploy',
      blueprint: 'svc',
      trigger: { operation: 'DAY-2' },
      invocationMethod: { type: 'WEBHOOK', url: `${backend.url}/deploy`, synchronized: true },
    });
    const start = await t.api('admin', 'POST', '/actions/deploy/runs', {
      entity: 'api',
      properties: {},
    });
    expect(start.status).toBe(202);
    const id = start.body.run.id as string;
    await vi.waitFor(async () => expect((await actionRunOf(id, 'v2')).delivery?.attempt).toBe(2), {
      timeout: 10_000,
      interval: 50,
    });
    for (const version of ['v1', 'v2'] as const) {
      expect((await actionRunOf(id, version)).delivery).toMatchObject({
        state: 'queued',
        attempt: 2,
        maxAttempts: 5,
        target: backend.host,
      });
    }
    const list = await t.api('admin', 'GET', `/actions/runs?version=v2`);
    expect(JSON.stringify(list.body)).not.toContain('"delivery"');

    const member = await t.api('member', 'POST', `/actions/runs/${id}/retry-delivery`);
    expect(member.status).toBe(403);
    backend.answer(200);
    const res = await t.api('admin', 'POST', `/actions/runs/${id}/retry-delivery`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await vi.waitFor(async () => expect((await actionRunOf(id, 'v2')).status).toBe('SUCCESS'), {
      timeout: 10_000,
      interval: 50,
    });
    await vi.waitFor(
      async () => expect((await actionRunOf(id, 'v1')).delivery?.state).toBe('done'),
      { timeout: 10_000, interval: 50 },
    );
    const again = await t.api('admin', 'POST', `/actions/runs/${id}/retry-delivery`);
    expect(again.status).toBe(422);
  });
});
