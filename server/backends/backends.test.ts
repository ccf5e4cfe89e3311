import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WorkflowRun } from '../../contract/workflows';
import { startTestServer, TEST_CREDENTIALS, type TestServer } from '../test/harness';
import { createWorkflow, getRun, nodeRunOf, startRun } from '../test/workflow-fixtures';
import { SIGNATURE_HEADER, verifySignature } from './signing';

interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  body: Record<string, any>;
}

type Handler = (req: Received, res: ServerResponse) => void;

/** A real HTTP backend on a free port; each test says how it answers. */
async function startBackend() {
  const received: Received[] = [];
  let handler: Handler = (_, res) => res.writeHead(200).end('{}');
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        raw,
        body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
      };
      received.push(r);
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      handler(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer(h: Handler) {
      handler = h;
    },
    reset() {
      received.length = 0;
      for (const res of hanging) res.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (status: number, body: unknown) => (_: Received, res: ServerResponse) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

// A test's budget above its waits (waitForRun: 25 s), so a slow run fails with the wait's
// diagnostic ("run … not there yet"), not a bare timeout.
vi.setConfig({ testTimeout: 45_000 });

let t: TestServer;
let backend: Awaited<ReturnType<typeof startBackend>>;
let secret: string;
let seq = 0;

beforeAll(async () => {
  backend = await startBackend();
  t = await startTestServer({
    // Timeout well above a local answer under a loaded CI machine, still short for the hang test.
    backends: { timeoutMs: 2000, retries: 1, backoffMs: 10, pollMs: 200 },
  });
  const res = await t.api('admin', 'GET', '/organization/secret');
  secret = res.body.secret as string;
});
afterAll(async () => {
  await t.close();
  await backend.close();
});
afterEach(() => backend.reset());

interface WebhookNode {
  identifier: string;
  config: { type: string } & Record<string, unknown>;
  onFailure?: 'terminate' | 'continue';
}

/** trigger → nodes in a chain, under a fresh identifier. */
async function chainWorkflow(nodes: WebhookNode[]) {
  const identifier = `wf-backend-${++seq}`;
  const all = [{ identifier: 'trigger', config: { type: 'SELF_SERVE_TRIGGER' } }, ...nodes];
  await createWorkflow(t, {
    identifier,
    title: identifier,
    nodes: all.map((n) => ({ ...n, title: n.identifier })),
    connections: all.slice(1).map((n, i) => ({
      sourceIdentifier: all[i]!.identifier,
      targetIdentifier: n.identifier,
    })),
  });
  return identifier;
}

/**
 * Waits for the run to be `ready`. The budget is what a loaded machine needs: a backend that never
 * answers costs two 2 s attempts, and at load 25 the first one's failure was written 8 s after the
 * run started, the second attempt still running at a 10 s deadline.
 */
async function waitForRun(id: string, ready: (run: WorkflowRun) => boolean) {
  return vi.waitFor(
    async () => {
      const run = await getRun(t, id);
      if (!ready(run)) throw new Error(`run ${id} not there yet: ${JSON.stringify(run.nodeRuns)}`);
      return run;
    },
    { timeout: 25_000, interval: 50 },
  );
}

const finished = (run: WorkflowRun) => run.status === 'COMPLETED';

async function logsOf(nodeRunId: string) {
  const res = await t.api('admin', 'GET', `/workflows/nodes/runs/${nodeRunId}/logs`);
  return (res.body.logs as { logLevel: string; log: string }[]).map(
    (l) => `${l.logLevel} ${l.log}`,
  );
}

describe('the organization secret', () => {
  it('is generated once and shown to admins only', async () => {
    expect(secret).toMatch(/^whsec_[0-9a-f]{48}$/);
    const again = await t.api('admin', 'GET', '/organization/secret');
    expect(again.body.secret).toBe(secret);
    const member = await t.api('member', 'GET', '/organization/secret');
    expect(member.status).toBe(403);
    expect(JSON.stringify(member.body)).not.toContain(secret);
  });
});

describe('WEBHOOK nodes', () => {
  it('sends an asynchronous webhook signed, with the rendered body and context, and advances when the backend reports', async () => {
    backend.answer(json(202, { accepted: true }));
    const wf = await chainWorkflow([
      {
        identifier: 'provision',
        config: {
          type: 'WEBHOOK',
          url: `${backend.url}/provision?token=abc`,
          synchronized: false,
          headers: { 'X-Team': '{{ .inputs.team }}' },
          body: {
            name: '{{ .inputs.name }}',
            size: '{{ .inputs.size }}',
            label: 'env-{{ .inputs.name }}',
          },
        },
      },
    ]);
    const started = await startRun(t, wf, 'admin', {
      inputs: { name: 'qa', size: 3, team: 'core' },
    });
    await vi.waitFor(() => expect(backend.received).toHaveLength(1), { timeout: 10_000 });
    const req = backend.received[0]!;
    const nodeRun = nodeRunOf(started, 'provision');
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/provision?token=abc');
    expect(req.headers['x-team']).toBe('core');
    expect(req.body).toEqual({
      name: 'qa',
      size: 3,
      label: 'env-qa',
      context: {
        workflowIdentifier: wf,
        workflowRunId: started.identifier,
        nodeRunId: nodeRun.identifier,
        nodeIdentifier: 'provision',
        deliveryId: expect.stringMatching(/^dlv_/),
        attempt: 1,
      },
    });
    // The same delivery id and attempt in headers, so a backend can drop a repeat unparsed.
    expect(req.headers['x-runboard-delivery']).toBe(req.body.context.deliveryId);
    expect(req.headers['x-runboard-attempt']).toBe('1');
    const signature = req.headers[SIGNATURE_HEADER] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(secret, req.raw, signature)).toBe(true);
    expect(verifySignature('not-the-secret', req.raw, signature)).toBe(false);

    const waiting = await waitForRun(
      started.identifier,
      (r) => nodeRunOf(r, 'provision').logCounts.INFO >= 2,
    );
    expect(waiting.status).toBe('IN_PROGRESS');
    expect(nodeRunOf(waiting, 'provision').status).toBe('IN_PROGRESS');

    // The backend reports as in Port's docs: a PATCH of the node run from the context.
    const patch = await t.api('admin', 'PATCH', `/workflows/nodes/runs/${nodeRun.identifier}`, {
      status: 'COMPLETED',
      result: 'SUCCESS',
      output: { resourceId: 'res-1' },
      logs: [{ logLevel: 'INFO', log: 'provisioned' }],
    });
    expect(patch.status).toBe(200);
    const done = await getRun(t, started.identifier);
    expect([done.status, done.result]).toEqual(['COMPLETED', 'SUCCESS']);
    const logs = await logsOf(nodeRun.identifier);
    expect(logs[0]).toMatch(
      /^INFO POST http:\/\/127\.0\.0\.1:\d+\/provision answered 202 in \d+ ms/,
    );
    expect(logs.join('\n')).not.toContain('token=abc');
  });

  it('completes a synchronized webhook SUCCESS with the response as output, usable by the next node', async () => {
    backend.answer((req, res) =>
      json(
        200,
        req.path === '/create' ? { resourceId: 'res-42', meta: { zone: 'b' } } : { ok: true },
      )(req, res),
    );
    const wf = await chainWorkflow([
      { identifier: 'create_resource', config: { type: 'WEBHOOK', url: `${backend.url}/create` } },
      {
        identifier: 'verify',
        config: {
          type: 'WEBHOOK',
          url: `${backend.url}/verify`,
          method: 'PUT',
          body: {
            id: '{{ .outputs.create_resource.resourceId }}',
            meta: '{{ .outputs.create_resource.meta }}',
          },
        },
      },
    ]);
    const started = await startRun(t, wf);
    const run = await waitForRun(started.identifier, finished);
    expect(run.result).toBe('SUCCESS');
    expect(nodeRunOf(run, 'create_resource').output).toEqual({
      resourceId: 'res-42',
      meta: { zone: 'b' },
    });
    expect(run.variables.outputs.verify).toEqual({ ok: true });
    const verify = backend.received.find((r) => r.path === '/verify')!;
    expect(verify.method).toBe('PUT');
    expect(verify.body).toMatchObject({ id: 'res-42', meta: { zone: 'b' } });
  });

  it('fails a synchronized webhook that answers an error, logging each attempt, status and body', async () => {
    backend.answer(json(503, { error: 'maintenance window' }));
    const wf = await chainWorkflow([
      { identifier: 'deploy', config: { type: 'WEBHOOK', url: `${backend.url}/deploy` } },
    ]);
    const started = await startRun(t, wf);
    const run = await waitForRun(started.identifier, finished);
    expect([run.result, nodeRunOf(run, 'deploy').result]).toEqual(['FAILED', 'FAILED']);
    expect(backend.received).toHaveLength(2);
    const logs = await logsOf(nodeRunOf(run, 'deploy').identifier);
    expect(logs[0]).toMatch(/^WARN POST .*\/deploy answered 503 in \d+ ms \(attempt 1 of 2\)$/);
    expect(logs[1]).toMatch(/attempt 2 of 2/);
    expect(logs.at(-1)).toBe('ERROR Webhook answered 503: {"error":"maintenance window"}');
  });

  it('retries a backend that is down for a while under the same delivery id, then delivers', async () => {
    let calls = 0;
    backend.answer((req, res) => json(++calls === 1 ? 503 : 200, { id: 'up' })(req, res));
    const wf = await chainWorkflow([
      { identifier: 'deploy', config: { type: 'WEBHOOK', url: `${backend.url}/deploy` } },
    ]);
    const run = await waitForRun((await startRun(t, wf)).identifier, finished);
    expect([run.result, nodeRunOf(run, 'deploy').output]).toEqual(['SUCCESS', { id: 'up' }]);
    const [first, second] = backend.received;
    expect([first?.headers['x-runboard-attempt'], second?.headers['x-runboard-attempt']]).toEqual([
      '1',
      '2',
    ]);
    expect(second?.headers['x-runboard-delivery']).toBe(first?.headers['x-runboard-delivery']);
    const logs = await logsOf(nodeRunOf(run, 'deploy').identifier);
    expect(logs[0]).toMatch(/answered 503 in \d+ ms \(attempt 1 of 2\)$/);
    expect(logs[1]).toMatch(/answered 200 in \d+ ms \(attempt 2 of 2\)$/);
  });

  it('does not end the run for a failed node whose onFailure is continue', async () => {
    backend.answer((req, res) => json(req.path === '/bad' ? 400 : 200, {})(req, res));
    const identifier = `wf-backend-${++seq}`;
    const hook = (id: string, path: string, extra = {}) => ({
      identifier: id,
      title: id,
      config: { type: 'WEBHOOK', url: `${backend.url}${path}` },
      ...extra,
    });
    await createWorkflow(t, {
      identifier,
      title: identifier,
      nodes: [
        { identifier: 'trigger', title: 'trigger', config: { type: 'SELF_SERVE_TRIGGER' } },
        hook('notify', '/bad', { onFailure: 'continue' }),
        hook('deploy', '/good'),
      ],
      connections: [
        { sourceIdentifier: 'trigger', targetIdentifier: 'notify' },
        { sourceIdentifier: 'trigger', targetIdentifier: 'deploy' },
      ],
    });
    const run = await waitForRun((await startRun(t, identifier)).identifier, finished);
    expect(nodeRunOf(run, 'notify').result).toBe('FAILED');
    expect(nodeRunOf(run, 'deploy').result).toBe('SUCCESS');
    expect(run.result).toBe('SUCCESS');
  });

  it('fails the node with the reason when the backend is down', async () => {
    const down = await startBackend();
    await down.close();
    const wf = await chainWorkflow([
      { identifier: 'call', config: { type: 'WEBHOOK', url: `${down.url}/hook` } },
    ]);
    const run = await waitForRun((await startRun(t, wf)).identifier, finished);
    expect(run.result).toBe('FAILED');
    const logs = await logsOf(nodeRunOf(run, 'call').identifier);
    expect(logs.at(-1)).toMatch(/^ERROR Webhook failed: fetch failed \(.*ECONNREFUSED.*\)$/);
  });

  it('fails the node when the backend never answers, and keeps serving meanwhile', async () => {
    backend.answer(() => undefined);
    const wf = await chainWorkflow([
      { identifier: 'slow', config: { type: 'WEBHOOK', url: `${backend.url}/slow` } },
    ]);
    const started = await startRun(t, wf);
    await vi.waitFor(() => expect(backend.received.length).toBeGreaterThan(0), { timeout: 10_000 });
    const during = await t.api('admin', 'GET', `/workflows/runs/${started.identifier}`);
    expect(during.status).toBe(200);
    const run = await waitForRun(started.identifier, finished);
    expect(run.result).toBe('FAILED');
    const logs = await logsOf(nodeRunOf(run, 'slow').identifier);
    expect(logs.at(-1)).toBe('ERROR Webhook failed: no answer within 2000 ms');
  }, 60_000);

  it('fails the node and names the reference when a template has no value, sending nothing', async () => {
    const wf = await chainWorkflow([
      {
        identifier: 'call',
        config: {
          type: 'WEBHOOK',
          url: `${backend.url}/x`,
          body: { id: '{{ .outputs.nope.id }}' },
        },
      },
    ]);
    const run = await waitForRun((await startRun(t, wf)).identifier, finished);
    expect(run.result).toBe('FAILED');
    expect(backend.received).toHaveLength(0);
    expect(await logsOf(nodeRunOf(run, 'call').identifier)).toEqual([
      'ERROR Template error in node "call": Template reference "{{ .outputs.nope.id }}" has no value',
    ]);
  });

  it('refuses a workflow whose WEBHOOK url is not http(s), naming the node', async () => {
    const res = await t.api('admin', 'POST', '/workflows', {
      identifier: 'wf-bad-url',
      title: 'Bad url',
      nodes: [
        { identifier: 'trigger', config: { type: 'SELF_SERVE_TRIGGER' } },
        { identifier: 'hook', config: { type: 'WEBHOOK', url: 'file:///etc/passwd' } },
      ],
      connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'hook' }],
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('nodes[1].config.url');
    expect(res.body.message).toContain('"hook"');
  });
});

describe("a backend written like the process_webhook example of Port's docs", () => {
  it('receives the webhook and drives the run to completion through the runs API', async () => {
    const port = async (method: string, path: string, body?: unknown, token?: string) => {
      const res = await fetch(`${t.baseUrl}/v1${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}`);
      return (await res.json()) as Record<string, unknown>;
    };
    const processWebhook = async (webhook: Received['body']) => {
      const { workflowRunId, nodeRunId } = webhook.context as Record<string, string>;
      const { accessToken } = (await port('POST', '/auth/access_token', {
        clientId: TEST_CREDENTIALS.adminClientId,
        clientSecret: TEST_CREDENTIALS.adminClientSecret,
      })) as { accessToken: string };
      const update = (data: unknown) =>
        port('PATCH', `/workflows/runs/${workflowRunId}/nodes/${nodeRunId}`, data, accessToken);
      await update({
        status: 'IN_PROGRESS',
        logs: [{ logLevel: 'INFO', log: 'Processing started' }],
      });
      const result = { deployed: (webhook.payload as { service: string }).service };
      await update({
        status: 'COMPLETED',
        result: 'SUCCESS',
        output: result,
        logs: [{ logLevel: 'INFO', log: `Operation completed: ${JSON.stringify(result)}` }],
      });
    };
    backend.answer((req, res) => {
      void processWebhook(req.body).then(
        () => res.writeHead(200).end('{}'),
        (err: Error) => res.writeHead(500).end(err.message),
      );
    });
    const wf = await chainWorkflow([
      {
        identifier: 'deploy',
        config: {
          type: 'WEBHOOK',
          url: `${backend.url}/webhook`,
          synchronized: false,
          body: { payload: { service: '{{ .inputs.service }}' } },
        },
      },
    ]);
    const started = await startRun(t, wf, 'admin', { inputs: { service: 'billing' } });
    const run = await waitForRun(started.identifier, finished);
    expect(run.result).toBe('SUCCESS');
    expect(run.variables.outputs.deploy).toEqual({ deployed: 'billing' });
    const logs = await logsOf(nodeRunOf(run, 'deploy').identifier);
    expect(logs).toContain('INFO Processing started');
    expect(logs).toContain('INFO Operation completed: {"deployed":"billing"}');
  });
});

describe('UPSERT_ENTITY nodes', () => {
  it('upserts the entity tied to the run from the templated mapping and outputs it', async () => {
    await t.api('admin', 'POST', '/blueprints', {
      identifier: 'environment',
      title: 'Environment',
    });
    const wf = await chainWorkflow([
      {
        identifier: 'register',
        config: {
          type: 'UPSERT_ENTITY',
          blueprintIdentifier: 'environment',
          mapping: {
            identifier: '{{ .inputs.name }}',
            title: 'Env {{ .inputs.name }}',
            properties: { replicas: '{{ .inputs.replicas }}' },
          },
        },
      },
    ]);
    const run = await waitForRun(
      (await startRun(t, wf, 'admin', { inputs: { name: 'qa-7', replicas: 2 } })).identifier,
      finished,
    );
    expect(run.result).toBe('SUCCESS');
    const entity = await t.api('admin', 'GET', '/blueprints/environment/entities/qa-7');
    expect(entity.body.entity).toMatchObject({ title: 'Env qa-7', properties: { replicas: 2 } });
    expect(nodeRunOf(run, 'register').output).toMatchObject({
      identifier: 'qa-7',
      blueprint: 'environment',
    });
    const audits = await t.api('admin', 'GET', `/audit-log?run_id=${run.identifier}`);
    expect(audits.body.audits).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'CREATE', resourceType: 'entity' }),
      ]),
    );
    expect((await logsOf(nodeRunOf(run, 'register').identifier)).join('\n')).toContain('qa-7');
  });

  it('merges into an existing entity: keys the mapping leaves out keep their values', async () => {
    await t.api('admin', 'POST', '/blueprints/environment/entities', {
      identifier: 'prod-eu',
      title: 'Production EU',
      properties: { region: 'eu-west-1', owner: 'team-platform', replicas: 6 },
    });
    const wf = await chainWorkflow([
      {
        identifier: 'rotate',
        config: {
          type: 'UPSERT_ENTITY',
          blueprintIdentifier: 'environment',
          mapping: { identifier: 'prod-eu', properties: { lastSecretVersion: 'v42' } },
        },
      },
    ]);
    const run = await waitForRun((await startRun(t, wf, 'admin', {})).identifier, finished);
    expect(run.result).toBe('SUCCESS');
    const entity = await t.api('admin', 'GET', '/blueprints/environment/entities/prod-eu');
    expect(entity.body.entity).toMatchObject({
      title: 'Production EU',
      properties: {
        region: 'eu-west-1',
        owner: 'team-platform',
        replicas: 6,
        lastSecretVersion: 'v42',
      },
    });
  });
});

describe('action backends', () => {
  beforeAll(async () => {
    await t.api('admin', 'POST', '/blueprints', { identifier: 'svc', title: 'Service' });
    await t.api('admin', 'POST', '/blueprints/svc/entities', {
      identifier: 'orders',
      title: 'Orders',
    });
  });

  it('posts the run payload, signed, and ends a synchronized run from the answer', async () => {
    backend.answer(json(200, { ok: true }));
    const created = await t.api('admin', 'POST', '/actions', {
      identifier: 'restart_sync',
      title: 'Restart',
      blueprint: 'svc',
      trigger: { operation: 'DAY-2' },
      invocationMethod: { type: 'WEBHOOK', url: `${backend.url}/actions`, synchronized: true },
    });
    expect(created.status).toBe(201);
    const start = await t.api('member', 'POST', '/actions/restart_sync/runs', {
      entity: 'orders',
      properties: { reason: 'stuck' },
    });
    expect(start.status).toBe(202);
    const runId = start.body.run.id as string;
    const run = await vi.waitFor(
      async () => {
        const res = await t.api('admin', 'GET', `/actions/runs/${runId}?version=v2`);
        if (res.body.run.status === 'IN_PROGRESS') throw new Error('still in progress');
        return res.body.run as { status: string; payload: unknown };
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(run.status).toBe('SUCCESS');
    expect(backend.received).toHaveLength(1);
    const req = backend.received[0]!;
    expect(verifySignature(secret, req.raw, req.headers[SIGNATURE_HEADER] as string)).toBe(true);
    expect(req.body).toMatchObject({
      action: { identifier: 'restart_sync' },
      resourceType: 'run',
      status: 'TRIGGERED',
      trigger: { by: { userId: expect.any(String), email: expect.stringContaining('@') } },
      context: { entity: 'orders', blueprint: 'svc', runId },
      payload: { entity: { identifier: 'orders' }, properties: { reason: 'stuck' } },
      port_context: { runId },
    });
    // The payload Port shows, plus the delivery id and attempt in the request's context.
    const { deliveryId, attempt, ...context } = req.body.context;
    expect(run.payload).toEqual({ ...req.body, context });
    expect([deliveryId, attempt]).toEqual([req.headers['x-runboard-delivery'], 1]);
  });

  it('leaves an asynchronous run to the backend, which reports through the action-run API', async () => {
    backend.answer(json(202, {}));
    await t.api('admin', 'POST', '/actions', {
      identifier: 'restart_async',
      title: 'Restart',
      blueprint: 'svc',
      trigger: { operation: 'DAY-2' },
      invocationMethod: { type: 'WEBHOOK', url: `${backend.url}/actions` },
    });
    const start = await t.api('admin', 'POST', '/actions/restart_async/runs', {
      entity: 'orders',
      properties: {},
    });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    const runId = start.body.run.id as string;
    await vi.waitFor(() => expect(backend.received).toHaveLength(1), { timeout: 10_000 });
    const runId2 = (backend.received[0]!.body.port_context as { runId: string }).runId;
    expect(runId2).toBe(runId);
    const log = await t.api('admin', 'POST', `/actions/runs/${runId}/logs`, {
      message: 'done',
      terminationStatus: 'SUCCESS',
    });
    expect(log.status).toBe(201);
    const res = await t.api('admin', 'GET', `/actions/runs/${runId}`);
    expect(res.body.run.status).toBe('SUCCESS');
  });

  it('invokes the backend of a run that needed approval only once it is approved', async () => {
    backend.answer(json(200, {}));
    await t.api('admin', 'POST', '/actions', {
      identifier: 'restart_approved',
      title: 'Restart',
      blueprint: 'svc',
      trigger: { operation: 'DAY-2' },
      requiredApproval: true,
      invocationMethod: { type: 'WEBHOOK', url: `${backend.url}/approved`, synchronized: true },
    });
    const start = await t.api('member', 'POST', '/actions/restart_approved/runs', {
      entity: 'orders',
      properties: {},
    });
    const runId = start.body.run.id as string;
    expect(start.body.run.status).toBe('WAITING_FOR_APPROVAL');
    // Any write makes the dispatcher look; a run waiting for approval must not be invoked.
    const other = await t.api('admin', 'POST', '/workflows', { identifier: 'x' });
    expect(other.status).toBe(422);
    expect(backend.received).toHaveLength(0);
    const approved = await t.api('admin', 'PATCH', `/actions/runs/${runId}/approval`, {
      status: 'APPROVE',
    });
    expect(approved.status).toBe(201);
    await vi.waitFor(
      async () => {
        const res = await t.api('admin', 'GET', `/actions/runs/${runId}`);
        expect(res.body.run.status).toBe('SUCCESS');
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(backend.received.map((r) => r.path)).toEqual(['/approved']);
  });

  it('refuses an action whose webhook url is not http(s)', async () => {
    const res = await t.api('admin', 'POST', '/actions', {
      identifier: 'bad_hook',
      title: 'Bad',
      blueprint: 'svc',
      trigger: { operation: 'DAY-2' },
      invocationMethod: { type: 'WEBHOOK', url: 'ftp://example.invalid/x' },
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('invocationMethod.url');
  });
});
