import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { workItems } from '../db/schema';
import { startTestServer, TEST_CREDENTIALS, type TestServer } from '../test/harness';

// The clock only moves when a test moves it: visibility timeouts expire by the test's say-so.
let now = Date.parse('2026-04-01T10:00:00Z');
let t: TestServer;
const OCEAN = { 'x-port-reserved-usage': 'true' };

beforeAll(async () => {
  t = await startTestServer({ clock: () => new Date(now) });
  await t.api('admin', 'POST', '/blueprints', { identifier: 'repo', title: 'Repository' });
  for (const [identifier, installationId] of [
    ['dispatch', 'github-ocean'],
    ['dispatch_other', 'github-ocean'],
    ['gitlab_pipeline', 'gitlab-ocean'],
  ] as const) {
    const res = await t.api('admin', 'POST', '/actions', {
      identifier,
      title: identifier,
      blueprint: 'repo',
      trigger: {
        operation: 'CREATE',
        userInputs: { properties: { ref: { type: 'string' } }, required: [] },
      },
      invocationMethod: {
        type: 'INTEGRATION_ACTION',
        installationId,
        integrationActionType: 'dispatch_workflow',
        integrationActionExecutionProperties: {
          org: 'acme',
          repo: 'api',
          workflow: 'deploy.yml',
          workflowInputs: { ref: '{{ .inputs.ref }}' },
        },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  const wf = await t.api('admin', 'POST', '/workflows', {
    identifier: 'ci',
    title: 'CI',
    nodes: [
      { identifier: 'trigger', config: { type: 'SELF_SERVE_TRIGGER' } },
      {
        identifier: 'build',
        config: {
          type: 'INTEGRATION_ACTION',
          installationId: 'gitlab-ocean',
          integrationProvider: 'gitlab',
          integrationInvocationType: 'trigger_pipeline',
          integrationActionExecutionProperties: { project: 'acme/api', ref: 'main' },
          note: 'extra keys are kept',
        },
      },
    ],
    connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'build' }],
  });
  expect(wf.status, JSON.stringify(wf.body)).toBe(201);
});
afterAll(async () => t.close());

async function startActionRun(action: string, ref = 'main') {
  const res = await t.api('admin', 'POST', `/actions/${action}/runs`, { properties: { ref } });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.run.id as string;
}

async function startNodeRun() {
  const res = await t.api('admin', 'POST', '/workflows/ci/runs', { inputs: {} });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const build = res.body.workflowRun.nodeRuns.find(
    (n: { nodeIdentifier: string }) => n.nodeIdentifier === 'build',
  );
  return { run: res.body.workflowRun.identifier as string, nodeRun: build.identifier as string };
}

const claimActions = (body: Record<string, unknown>, as: 'machine' | 'member' = 'machine') =>
  t.api(as, 'POST', '/actions/runs/claim-pending', body, OCEAN);
const claimNodes = (body: Record<string, unknown>) =>
  t.api('machine', 'POST', '/workflows/runs/claim-pending', body, OCEAN);

/** Claims everything pending for an installation, so each test starts from its own runs. */
async function drain(installationId: string) {
  await claimActions({ installationId, limit: 1000, visibilityTimeoutMs: 600_000 });
  await claimNodes({ installationId, limit: 1000, visibilityTimeoutMs: 600_000 });
  now += 1000;
}

describe('access tokens', () => {
  it('are JWTs whose payload says whether the holder is a machine', async () => {
    const claims = async (clientId: string, clientSecret: string) => {
      const res = await t.api('anonymous', 'POST', '/auth/access_token', {
        clientId,
        clientSecret,
      });
      expect(res.body.tokenType).toBe('Bearer');
      const parts = (res.body.accessToken as string).split('.');
      expect(parts).toHaveLength(3);
      expect(JSON.parse(Buffer.from(parts[0]!, 'base64url').toString())).toMatchObject({
        alg: 'HS256',
      });
      return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString());
    };
    const machine = await claims(
      TEST_CREDENTIALS.machineClientId,
      TEST_CREDENTIALS.machineClientSecret,
    );
    expect(machine).toMatchObject({ isMachine: true, personalToken: false, role: 'machine' });
    expect(machine.exp - machine.iat).toBe(3 * 60 * 60);
    const member = await claims(
      TEST_CREDENTIALS.memberClientId,
      TEST_CREDENTIALS.memberClientSecret,
    );
    expect(member).toMatchObject({ isMachine: false, personalToken: true, role: 'member' });
  });

  it('refuses a token whose signature does not match with 401', async () => {
    const res = await t.api('anonymous', 'POST', '/auth/access_token', {
      clientId: TEST_CREDENTIALS.memberClientId,
      clientSecret: TEST_CREDENTIALS.memberClientSecret,
    });
    const [head, , sig] = (res.body.accessToken as string).split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: 'user_admin', role: 'admin', isMachine: false, exp: 9e9 }),
    ).toString('base64url');
    const me = await t.api('anonymous', 'GET', '/me', undefined, {
      authorization: `Bearer ${head}.${forged}.${sig}`,
    });
    expect(me.status).toBe(401);
  });
});

describe('Ocean flow for an INTEGRATION_ACTION action run', () => {
  it('claim, ack (409 the second time), start with externalRunId and link, logs, complete', async () => {
    await drain('github-ocean');
    const id = await startActionRun('dispatch', 'release-1');

    const pending = await t.api('admin', 'GET', `/actions/runs/${id}?version=v2`);
    expect(pending.body.run).toMatchObject({
      status: 'IN_PROGRESS',
      pendingExecution: true,
      claimedUntil: null,
      installationId: 'github-ocean',
      payload: {
        type: 'INTEGRATION_ACTION',
        installationId: 'github-ocean',
        integrationActionType: 'dispatch_workflow',
        integrationActionExecutionProperties: {
          org: 'acme',
          repo: 'api',
          workflow: 'deploy.yml',
          workflowInputs: { ref: 'release-1' },
        },
      },
    });

    const claim = await claimActions({
      installationId: 'github-ocean',
      limit: 300,
      visibilityTimeoutMs: 60_000,
    });
    expect(claim.status, JSON.stringify(claim.body)).toBe(200);
    expect(claim.body.runs.map((r: { id: string }) => r.id)).toEqual([id]);
    expect(claim.body.runs[0]).toMatchObject({
      id,
      status: 'IN_PROGRESS',
      action: { identifier: 'dispatch' },
      pendingExecution: true,
      claimedUntil: new Date(now + 60_000).toISOString(),
      payload: { type: 'INTEGRATION_ACTION', integrationActionType: 'dispatch_workflow' },
    });

    const ack = await t.api('machine', 'PATCH', '/actions/runs/ack', { runId: id }, OCEAN);
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    const again = await t.api('machine', 'PATCH', '/actions/runs/ack', { runId: id }, OCEAN);
    expect(again.status).toBe(409);

    const started = await t.api('machine', 'PATCH', `/actions/runs/${id}`, {
      link: 'https://github.com/acme/api/actions/runs/42',
      externalRunId: 'gh_42',
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const log = await t.api('machine', 'POST', `/actions/runs/${id}/logs`, {
      message: 'Workflow dispatched',
    });
    expect(log.status).toBe(201);
    const label = await t.api('machine', 'PATCH', `/actions/runs/${id}`, {
      statusLabel: 'Running',
    });
    expect(label.status).toBe(200);

    const found = await t.api('machine', 'GET', '/actions/runs?version=v2&external_run_id=gh_42');
    expect(found.body.runs.map((r: { id: string }) => r.id)).toEqual([id]);
    expect(found.body.runs[0]).toMatchObject({ pendingExecution: false, status: 'IN_PROGRESS' });

    const done = await t.api('machine', 'PATCH', `/actions/runs/${id}?version=v2`, {
      status: 'SUCCESS',
    });
    expect(done.status).toBe(200);
    expect(done.body.run).toMatchObject({
      status: 'SUCCESS',
      pendingExecution: false,
      externalRunId: 'gh_42',
      link: 'https://github.com/acme/api/actions/runs/42',
    });
    const next = await claimActions({ installationId: 'github-ocean' });
    expect(next.body.runs).toEqual([]);
  });

  it('hands a claimed run to no second claimer until the visibility timeout passes unacknowledged', async () => {
    await drain('github-ocean');
    const id = await startActionRun('dispatch');
    const first = await claimActions({ installationId: 'github-ocean', visibilityTimeoutMs: 5000 });
    expect(first.body.runs.map((r: { id: string }) => r.id)).toEqual([id]);
    const second = await claimActions({
      installationId: 'github-ocean',
      visibilityTimeoutMs: 5000,
    });
    expect(second.body.runs).toEqual([]);

    now += 5000;
    const afterTimeout = await claimActions({ installationId: 'github-ocean' });
    expect(afterTimeout.body.runs.map((r: { id: string }) => r.id)).toEqual([id]);

    // The first claimer's late ack still wins; after it, nothing hands the run out again.
    now += 120_000;
    const ack = await t.api('machine', 'PATCH', '/actions/runs/ack', { runId: id });
    expect(ack.status).toBe(200);
    now += 120_000;
    expect((await claimActions({ installationId: 'github-ocean' })).body.runs).toEqual([]);
  });

  it('hands out only the installation’s runs, leaves out excluded actions, and respects limit', async () => {
    await drain('github-ocean');
    await drain('gitlab-ocean');
    const a = await startActionRun('dispatch');
    const b = await startActionRun('dispatch_other');
    const c = await startActionRun('gitlab_pipeline');
    const excluded = await claimActions({
      installationId: 'github-ocean',
      exclude: ['dispatch'],
    });
    expect(excluded.body.runs.map((r: { id: string }) => r.id)).toEqual([b]);
    const limited = await claimActions({ installationId: 'github-ocean', limit: 1 });
    expect(limited.body.runs.map((r: { id: string }) => r.id)).toEqual([a]);
    const gitlab = await claimActions({ installationId: 'gitlab-ocean' });
    expect(gitlab.body.runs.map((r: { id: string }) => r.id)).toEqual([c]);
  });

  it('lets only machine credentials claim and acknowledge (403), and checks the bodies (422, 404)', async () => {
    expect((await claimActions({ installationId: 'github-ocean' }, 'member')).status).toBe(403);
    expect(
      (await t.api('admin', 'PATCH', '/actions/runs/ack', { runId: 'r_AAAAAAAAAAAAAAAA' })).status,
    ).toBe(403);
    expect((await claimActions({ installationId: 'github-ocean', limit: 0 })).status).toBe(422);
    expect(
      (await claimActions({ installationId: 'github-ocean', visibilityTimeoutMs: 600_001 })).status,
    ).toBe(422);
    expect((await t.api('machine', 'PATCH', '/actions/runs/ack', { runId: 'nope' })).status).toBe(
      422,
    );
    expect(
      (await t.api('machine', 'PATCH', '/actions/runs/ack', { runId: 'r_AAAAAAAAAAAAAAAA' }))
        .status,
    ).toBe(404);
  });

  it('answers 409 to an ack of a run that already ended', async () => {
    await drain('github-ocean');
    const id = await startActionRun('dispatch');
    await t.api('admin', 'PATCH', `/actions/runs/${id}`, { status: 'FAILURE' });
    expect((await t.api('machine', 'PATCH', '/actions/runs/ack', { runId: id })).status).toBe(409);
    expect((await claimActions({ installationId: 'github-ocean' })).body.runs).toEqual([]);
  });

  it('closes the queue item of a run that ended without an agent, at the next claim', async () => {
    await drain('github-ocean');
    const id = await startActionRun('dispatch');
    await t.api('admin', 'PATCH', `/actions/runs/${id}`, { status: 'SUCCESS' });
    expect((await claimActions({ installationId: 'github-ocean' })).body.runs).toEqual([]);
    const rows = await t.database.db.select().from(workItems).where(eq(workItems.subjectId, id));
    expect(rows.map((r) => [r.kind, r.state])).toEqual([['agent_action_run', 'done']]);
  });

  it('refuses an INTEGRATION_ACTION invocation method without its keys (422)', async () => {
    const res = await t.api('admin', 'POST', '/actions', {
      identifier: 'broken',
      title: 'Broken',
      blueprint: 'repo',
      trigger: { operation: 'CREATE' },
      invocationMethod: { type: 'INTEGRATION_ACTION', installationId: 'x' },
    });
    expect(res.status).toBe(422);
  });
});

describe('Ocean flow for an INTEGRATION_ACTION workflow node run', () => {
  it('claim with config, ack (409 the second time), start PATCH with externalRunId and links, logs, complete', async () => {
    await drain('gitlab-ocean');
    const { run, nodeRun } = await startNodeRun();

    const claim = await claimNodes({
      installationId: 'gitlab-ocean',
      limit: 300,
      visibilityTimeoutMs: 60_000,
    });
    expect(claim.status, JSON.stringify(claim.body)).toBe(200);
    expect(claim.body.nodeRuns).toHaveLength(1);
    const claimed = claim.body.nodeRuns[0];
    expect(claimed).toMatchObject({
      identifier: nodeRun,
      status: 'IN_PROGRESS',
      output: {},
      pendingExecution: true,
      installationId: 'gitlab-ocean',
      claimedUntil: new Date(now + 60_000).toISOString(),
      config: {
        type: 'INTEGRATION_ACTION',
        installationId: 'gitlab-ocean',
        integrationProvider: 'gitlab',
        integrationInvocationType: 'trigger_pipeline',
        integrationActionExecutionProperties: { project: 'acme/api', ref: 'main' },
        note: 'extra keys are kept',
      },
    });
    expect(claimed.nodeUid).toMatch(/^wfn_[a-zA-Z0-9]{16}$/);
    // The run's own read shows the same claim on its node run.
    const read = await t.api('admin', 'GET', `/workflows/runs/${run}`);
    const shown = read.body.workflowRun.nodeRuns.find(
      (n: { identifier: string }) => n.identifier === nodeRun,
    );
    expect(shown.claimedUntil).toBe(claimed.claimedUntil);

    const ack = await t.api(
      'machine',
      'PATCH',
      '/workflows/runs/ack',
      { nodeRunIdentifier: nodeRun },
      OCEAN,
    );
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    const again = await t.api('machine', 'PATCH', '/workflows/runs/ack', {
      nodeRunIdentifier: nodeRun,
    });
    expect(again.status).toBe(409);

    const start = await t.api('machine', 'PATCH', `/workflows/nodes/runs/${nodeRun}`, {
      status: 'IN_PROGRESS',
      externalRunId: 'gl_42_99',
      output: { workflowRunUrl: 'https://gitlab.com/acme/api/-/pipelines/99' },
      links: ['https://gitlab.com/acme/api/-/pipelines/99'],
    });
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    const logs = await t.api('machine', 'POST', `/workflows/nodes/runs/${nodeRun}/logs`, {
      logs: [{ level: 'INFO', message: 'Pipeline started' }],
    });
    expect(logs.status).toBe(201);

    const lookup = await t.api(
      'machine',
      'GET',
      '/workflows/nodes/runs?external_run_id=gl_42_99&include=nodeConfig',
      undefined,
      OCEAN,
    );
    expect(lookup.status).toBe(200);
    expect(lookup.body.nodeRuns).toHaveLength(1);
    expect(lookup.body.nodeRuns[0]).toMatchObject({
      identifier: nodeRun,
      status: 'IN_PROGRESS',
      nodeUid: claimed.nodeUid,
      externalRunId: 'gl_42_99',
      links: ['https://gitlab.com/acme/api/-/pipelines/99'],
      pendingExecution: false,
      node: { identifier: 'build', config: { integrationInvocationType: 'trigger_pipeline' } },
    });
    expect(lookup.body.nodeRuns[0].config).toBeUndefined();
    const plain = await t.api('machine', 'GET', '/workflows/nodes/runs?external_run_id=gl_42_99');
    expect(plain.body.nodeRuns[0].node).toEqual({ identifier: 'build' });

    const complete = await t.api('machine', 'PATCH', `/workflows/nodes/runs/${nodeRun}`, {
      status: 'COMPLETED',
      result: 'SUCCESS',
      output: { workflowRunUrl: 'https://gitlab.com/acme/api/-/pipelines/99', status: 'success' },
    });
    expect(complete.status).toBe(200);
    const finished = await t.api('admin', 'GET', `/workflows/runs/${run}`);
    expect(finished.body.workflowRun).toMatchObject({ status: 'COMPLETED', result: 'SUCCESS' });
    expect(
      finished.body.workflowRun.nodeRuns.find(
        (n: { identifier: string }) => n.identifier === nodeRun,
      ),
    ).toMatchObject({ externalRunId: 'gl_42_99', result: 'SUCCESS', pendingExecution: false });
  });

  it('gives every run of a node the same nodeUid, which exclude matches; an expired claim is claimable again', async () => {
    await drain('gitlab-ocean');
    const first = await startNodeRun();
    const claimed = await claimNodes({ installationId: 'gitlab-ocean', visibilityTimeoutMs: 1000 });
    expect(claimed.body.nodeRuns.map((n: { identifier: string }) => n.identifier)).toEqual([
      first.nodeRun,
    ]);
    const uid = claimed.body.nodeRuns[0].nodeUid as string;
    expect((await claimNodes({ installationId: 'gitlab-ocean' })).body.nodeRuns).toEqual([]);

    now += 1000;
    const second = await startNodeRun();
    const excluded = await claimNodes({ installationId: 'gitlab-ocean', exclude: [uid] });
    expect(excluded.body.nodeRuns).toEqual([]);
    const both = await claimNodes({ installationId: 'gitlab-ocean' });
    expect(both.body.nodeRuns.map((n: { identifier: string }) => n.identifier).sort()).toEqual(
      [first.nodeRun, second.nodeRun].sort(),
    );
    expect(both.body.nodeRuns.every((n: { nodeUid: string }) => n.nodeUid === uid)).toBe(true);
    expect((await claimNodes({ installationId: 'github-ocean' })).body.nodeRuns).toEqual([]);
  });

  it('refuses links that are not http(s) (422), answers [] for an unknown external id, and 409 to an ack of a cancelled node run', async () => {
    await drain('gitlab-ocean');
    const { run, nodeRun } = await startNodeRun();
    const bad = await t.api('machine', 'PATCH', `/workflows/nodes/runs/${nodeRun}`, {
      links: ['javascript:alert(1)'],
    });
    expect(bad.status).toBe(422);
    const none = await t.api('machine', 'GET', '/workflows/nodes/runs?external_run_id=nothing');
    expect(none.status).toBe(200);
    expect(none.body.nodeRuns).toEqual([]);
    await t.api('admin', 'POST', `/workflows/runs/${run}/cancel?force=true`, {});
    const ack = await t.api('machine', 'PATCH', '/workflows/runs/ack', {
      nodeRunIdentifier: nodeRun,
    });
    expect(ack.status).toBe(409);
    expect(
      (
        await t.api('machine', 'PATCH', '/workflows/runs/ack', {
          nodeRunIdentifier: 'wfnr_AAAAAAAAAAAAAAAA',
        })
      ).status,
    ).toBe(404);
    expect((await claimNodes({ installationId: 'gitlab-ocean' })).body.nodeRuns).toEqual([]);
  });
});
