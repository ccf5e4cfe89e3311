import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerToken, startTestServer, TEST_CREDENTIALS, type TestServer } from '../test/harness';
import { seedActionCatalog, startRunAs } from './action-runs.fixtures';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
  await seedActionCatalog(t);
});
afterAll(async () => t.close());

const startRun = (action?: string, body?: object, as?: 'admin' | 'member') =>
  startRunAs(t, action, body, as);

describe('a backend reflecting action progress (Port docs flow)', () => {
  it('ties an entity, logs, ends with a link array, and leaves an audit trail', async () => {
    const runId = await startRun();
    expect(runId).toMatch(/^r_[a-zA-Z0-9]{16}$/);

    const token = await fetch(`${t.baseUrl}/v1/auth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'test-admin', clientSecret: 'test-admin-secret' }),
    });
    expect(token.status).toBe(200);

    const got = await t.api('admin', 'GET', `/actions/runs/${runId}`);
    expect(got.status).toBe(200);
    expect(got.body.run).toMatchObject({
      id: runId,
      status: 'IN_PROGRESS',
      action: 'create_microservice',
      blueprint: { identifier: 'microservice', title: 'Service' },
      entity: null,
      endedAt: null,
      source: 'API',
      relatedEntityExists: false,
      relatedBlueprintExists: true,
      properties: { name: 'payments', region: 'eu-west-1' },
    });
    const props = got.body.run.properties;

    const created = await t.api(
      'admin',
      'POST',
      `/blueprints/microservice/entities?run_id=${runId}&upsert=true`,
      { identifier: props.name, title: props.name, properties: { region: props.region } },
    );
    expect(created.status).toBe(201);
    expect(created.body.entity).toMatchObject({
      identifier: 'payments',
      blueprint: 'microservice',
      properties: { region: 'eu-west-1' },
    });

    const log1 = await t.api('admin', 'POST', `/actions/runs/${runId}/logs`, {
      message: 'new entity: payments',
    });
    expect(log1.status).toBe(201);
    expect(log1.body.runLog).toMatchObject({ runId, message: 'new entity: payments' });
    await t.api('admin', 'POST', `/actions/runs/${runId}/logs`, { message: 'New entity created!' });

    const link = ['https://github.com/actions/toolkit/actions/runs/3617893813'];
    const done = await t.api('admin', 'PATCH', `/actions/runs/${runId}`, {
      status: 'SUCCESS',
      link,
    });
    expect(done.status).toBe(200);
    expect(done.body.run).toMatchObject({ status: 'SUCCESS', link, relatedEntityExists: true });
    expect(done.body.run.endedAt).toEqual(expect.any(String));

    const logs = await t.api('member', 'GET', `/actions/runs/${runId}/logs`);
    expect(logs.status).toBe(200);
    expect(logs.body.runLogs.map((l: { message: string }) => l.message)).toEqual([
      'entity microservice/payments created',
      'new entity: payments',
      'New entity created!',
    ]);

    const audits = await t.api('member', 'GET', `/audit-log?run_id=${runId}&resources=entity`);
    expect(audits.status).toBe(200);
    expect(audits.body.audits).toHaveLength(1);
    expect(audits.body.audits[0]).toMatchObject({
      action: 'CREATE',
      resourceType: 'entity',
      status: 'SUCCESS',
      trigger: { by: { userId: 'user_admin' }, origin: 'API' },
      context: { blueprintIdentifier: 'microservice', entityIdentifier: 'payments', runId },
      diff: {
        before: null,
        after: { identifier: 'payments', properties: { region: 'eu-west-1' } },
      },
    });

    const again = await t.api('admin', 'POST', `/actions/runs/${runId}/logs`, {
      message: 'late',
      terminationStatus: 'FAILURE',
    });
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({ ok: false, error: 'run_exhausted' });

    const patchAgain = await t.api('admin', 'PATCH', `/actions/runs/${runId}`, {
      statusLabel: 'too late',
    });
    expect(patchAgain.status).toBe(422);
    expect(patchAgain.body.error).toBe('run_exhausted');

    const tied = await t.api(
      'admin',
      'PATCH',
      `/blueprints/microservice/entities/payments?run_id=${runId}`,
      { properties: { region: 'us-east-1' } },
    );
    expect(tied.status).toBe(422);
    expect(tied.body.error).toBe('run_exhausted');
    const unchanged = await t.api('admin', 'GET', '/blueprints/microservice/entities/payments');
    expect(unchanged.body.entity.properties).toEqual({ region: 'eu-west-1' });
    const auditsAfter = await t.api('admin', 'GET', `/audit-log?entity=payments&resources=entity`);
    expect(auditsAfter.body.audits).toHaveLength(1);
  });

  it('refuses an entity write tied to an unknown run with 404 and changes nothing', async () => {
    const res = await t.api(
      'admin',
      'POST',
      '/blueprints/microservice/entities?run_id=r_0000000000000000',
      { identifier: 'ghost' },
    );
    expect(res.status).toBe(404);
    const ghost = await t.api('admin', 'GET', '/blueprints/microservice/entities/ghost');
    expect(ghost.status).toBe(404);
  });

  it('keeps a run IN_PROGRESS when only statusLabel is patched, and overwrites each key', async () => {
    const runId = await startRun();
    const res = await t.api('admin', 'PATCH', `/actions/runs/${runId}`, {
      statusLabel: 'Provisioning',
      link: 'https://ci.example.com/1',
      summary: 'step 1',
      externalRunId: 'ext-1',
    });
    expect(res.status).toBe(200);
    expect(res.body.run).toMatchObject({
      status: 'IN_PROGRESS',
      statusLabel: 'Provisioning',
      link: 'https://ci.example.com/1',
      externalRunId: 'ext-1',
      endedAt: null,
    });
    const res2 = await t.api('admin', 'PATCH', `/actions/runs/${runId}`, {
      link: ['https://ci.example.com/2', 'http://logs.example.com/2'],
    });
    expect(res2.body.run.link).toEqual(['https://ci.example.com/2', 'http://logs.example.com/2']);
    expect(res2.body.run.statusLabel).toBe('Provisioning');
  });

  it('ends a run through a log line with terminationStatus and statusLabel', async () => {
    const runId = await startRun();
    const res = await t.api('admin', 'POST', `/actions/runs/${runId}/logs`, {
      message: 'my new log message with final status',
      terminationStatus: 'SUCCESS',
      statusLabel: 'Completed successfully!',
    });
    expect(res.status).toBe(201);
    const run = await t.api('admin', 'GET', `/actions/runs/${runId}`);
    expect(run.body.run).toMatchObject({
      status: 'SUCCESS',
      statusLabel: 'Completed successfully!',
    });
  });

  it('rejects a javascript: link, an unknown key and a bad status with 422', async () => {
    const runId = await startRun();
    for (const body of [
      { link: 'javascript:alert(1)' },
      { link: ['https://ok.example.com', 'javascript:alert(1)'] },
      { colour: 'red' },
      { status: 'IN_PROGRESS' },
    ]) {
      const res = await t.api('admin', 'PATCH', `/actions/runs/${runId}`, body);
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('invalid_request');
    }
    const run = await t.api('admin', 'GET', `/actions/runs/${runId}`);
    expect(run.body.run.link).toBeNull();
  });

  it("lets exactly one of ten concurrent terminations win (on a real PostgreSQL this proves the action run's row lock)", async () => {
    const runId = await startRun();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.api('admin', 'PATCH', `/actions/runs/${runId}`, {
          status: i % 2 ? 'SUCCESS' : 'FAILURE',
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    const losers = answers.filter((a) => a.status !== 200);
    expect(losers).toHaveLength(9);
    for (const l of losers) expect(l.body.error).toBe('run_exhausted');
  });

  it('refuses a manual status change of a synchronized run', async () => {
    const runId = await startRun('synced', { properties: {} });
    const res = await t.api('admin', 'PATCH', `/actions/runs/${runId}`, { status: 'SUCCESS' });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('run_synchronized_error');
    const label = await t.api('admin', 'PATCH', `/actions/runs/${runId}`, { statusLabel: 'ok' });
    expect(label.status).toBe(200);
  });

  it('answers 422 for a malformed run id and 404 for an unknown one', async () => {
    expect((await t.api('admin', 'GET', '/actions/runs/r_short')).status).toBe(422);
    expect((await t.api('admin', 'GET', '/actions/runs/r_AAAAAAAAAAAAAAAA')).status).toBe(404);
  });
});

describe('starting runs', () => {
  it('needs an existing entity for a DAY-2 action', async () => {
    const missing = await t.api('member', 'POST', '/actions/restart/runs', { properties: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toContain('body.entity');
    const unknown = await t.api('member', 'POST', '/actions/restart/runs', {
      properties: {},
      entity: 'nope',
    });
    expect(unknown.status).toBe(404);
    const ok = await t.api('member', 'POST', '/actions/restart/runs', {
      properties: {},
      entity: 'orders',
    });
    expect(ok.status).toBe(202);
    expect(ok.body.run).toMatchObject({
      entity: { identifier: 'orders', title: 'Orders' },
      relatedEntityExists: true,
      createdBy: 'user_member',
    });
  });

  it('requires the action’s required inputs and a properties object', async () => {
    const res = await t.api('member', 'POST', '/actions/create_microservice/runs', {
      properties: {},
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('"name"');
    const noProps = await t.api('member', 'POST', '/actions/create_microservice/runs', {});
    expect(noProps.status).toBe(422);
    expect(noProps.body.message).toContain('body.properties');
  });

  it('serves the v2 shape with action, blueprint and entity objects and the payload', async () => {
    const res = await t.api('member', 'POST', '/actions/restart/runs?version=v2', {
      properties: { reason: 'stuck' },
      entity: 'orders',
    });
    expect(res.status).toBe(202);
    expect(res.body.run).toMatchObject({
      action: { identifier: 'restart', title: 'Restart', deleted: false },
      blueprint: { identifier: 'microservice', deleted: false },
      entity: { identifier: 'orders', deleted: false },
      requiredApproval: false,
      approval: null,
      payload: { context: { entity: 'orders', blueprint: 'microservice', runId: res.body.run.id } },
    });
  });

  it('lets only admins start a run as another user', async () => {
    const member = await t.api(
      'member',
      'POST',
      '/actions/restart/runs?run_as=admin@runboard.dev',
      {
        properties: {},
        entity: 'orders',
      },
    );
    expect(member.status).toBe(403);
    const admin = await t.api('admin', 'POST', '/actions/restart/runs?run_as=member@runboard.dev', {
      properties: {},
      entity: 'orders',
    });
    expect(admin.status).toBe(202);
    expect(admin.body.run.createdBy).toBe('user_member');
  });
});

describe('approvals', () => {
  it('waits for an admin, then runs; a declined run is ended', async () => {
    await t.api('admin', 'POST', '/actions', {
      identifier: 'guarded',
      title: 'Guarded',
      blueprint: 'microservice',
      trigger: { operation: 'DAY-2' },
      requiredApproval: { type: 'ANY' },
    });
    const start = () => startRun('guarded', { properties: {}, entity: 'orders' });
    const a = await start();
    const waiting = await t.api('member', 'GET', `/actions/runs/${a}?version=v2`);
    expect(waiting.body.run).toMatchObject({
      status: 'WAITING_FOR_APPROVAL',
      requiredApproval: { type: 'ANY' },
    });
    const early = await t.api('admin', 'PATCH', `/actions/runs/${a}`, { status: 'SUCCESS' });
    expect(early.status).toBe(422);
    const byMember = await t.api('member', 'PATCH', `/actions/runs/${a}/approval`, {
      status: 'APPROVE',
    });
    expect(byMember.status).toBe(403);
    const approvers = await t.api('member', 'GET', `/actions/runs/${a}/approvers`);
    expect(approvers.body.approvers).toEqual([
      { userId: 'user_admin', state: 'PENDING', description: null },
    ]);
    const approved = await t.api('admin', 'PATCH', `/actions/runs/${a}/approval?version=v2`, {
      status: 'APPROVE',
      description: 'go',
    });
    expect(approved.status).toBe(201);
    expect(approved.body.run).toMatchObject({
      status: 'IN_PROGRESS',
      approval: { userId: 'user_admin', state: 'APPROVED', description: 'go' },
    });

    const b = await start();
    const declined = await t.api('admin', 'PATCH', `/actions/runs/${b}/approval`, {
      status: 'DECLINE',
    });
    expect(declined.status).toBe(201);
    expect(declined.body.run.status).toBe('DECLINED');
    expect(declined.body.run.endedAt).toEqual(expect.any(String));
  });
});

describe('log pages', () => {
  it('pages Port-style by offset and [ext] by cursor, closing the cursor once the run ended', async () => {
    const runId = await startRun();
    for (let i = 1; i <= 7; i++) {
      await t.api('admin', 'POST', `/actions/runs/${runId}/logs`, { message: `line ${i}` });
    }
    const page = await t.api('member', 'GET', `/actions/runs/${runId}/logs?limit=3&offset=2`);
    expect(page.body.runLogs.map((l: { message: string }) => l.message)).toEqual([
      'line 3',
      'line 4',
      'line 5',
    ]);
    expect((await t.api('member', 'GET', `/actions/runs/${runId}/logs?limit=51`)).status).toBe(422);

    const first = await t.api('member', 'GET', `/actions/runs/${runId}/logs?cursor=0&limit=5`);
    expect(first.body.runLogs.map((l: { seq: number }) => l.seq)).toEqual([1, 2, 3, 4, 5]);
    const tail = await t.api(
      'member',
      'GET',
      `/actions/runs/${runId}/logs?cursor=${first.body.nextCursor}&limit=5000`,
    );
    expect(tail.body.runLogs.map((l: { seq: number }) => l.seq)).toEqual([6, 7]);
    expect(tail.body.nextCursor).toBe('7');

    await t.api('admin', 'POST', `/actions/runs/${runId}/logs`, {
      message: 'bye',
      terminationStatus: 'FAILURE',
    });
    const last = await t.api(
      'member',
      'GET',
      `/actions/runs/${runId}/logs?cursor=${tail.body.nextCursor}&limit=5000`,
    );
    expect(last.body.runLogs.map((l: { message: string }) => l.message)).toEqual(['bye']);
    expect(last.body.nextCursor).toBeNull();
  });
});

describe('listing runs', () => {
  it('hides runs of an action with allowAnyoneToViewRuns false from other members', async () => {
    const runId = await startRun('secret_restart', { properties: {}, entity: 'orders' }, 'admin');
    expect((await t.api('member', 'GET', `/actions/runs/${runId}`)).status).toBe(404);
    expect((await t.api('member', 'GET', `/actions/runs/${runId}/logs`)).status).toBe(404);
    expect((await t.api('admin', 'GET', `/actions/runs/${runId}`)).status).toBe(200);
    const list = await t.api('member', 'GET', '/actions/runs?action=secret_restart');
    expect(list.body.runs).toEqual([]);
    const audits = await t.api('member', 'GET', `/audit-log?run_id=${runId}`);
    expect(audits.body.audits).toEqual([]);
    const mine = await startRun('secret_restart', { properties: {}, entity: 'orders' }, 'member');
    expect((await t.api('member', 'GET', `/actions/runs/${mine}`)).status).toBe(200);
  });

  it('answers 304 to a poll whose If-None-Match matches', async () => {
    const runId = await startRun();
    const first = await t.api('member', 'GET', `/actions/runs/${runId}`);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const res = await fetch(`${t.baseUrl}/v1/actions/runs/${runId}`, {
      headers: {
        'if-none-match': etag!,
        authorization: (await tokenFor('member')) ?? '',
      },
    });
    expect(res.status).toBe(304);
  });
});

const tokenFor = (as: 'member') =>
  bearerToken(t.baseUrl, TEST_CREDENTIALS[`${as}ClientId`], TEST_CREDENTIALS[`${as}ClientSecret`]);

it('describes the action-run operations in the OpenAPI document', async () => {
  const doc = await t.api('anonymous', 'GET', '/openapi.json');
  expect(doc.status).toBe(200);
  expect(Object.keys(doc.body.paths['/v1/actions/runs/{id}/logs'])).toEqual(['post', 'get']);
  expect(doc.body.paths['/v1/actions/{actionId}/runs'].post.responses).toHaveProperty('202');
});

describe('definitions', () => {
  it('lets members read blueprints and actions but only admins create them', async () => {
    expect((await t.api('member', 'GET', '/blueprints/microservice')).body.blueprint).toMatchObject(
      { identifier: 'microservice', title: 'Service' },
    );
    const action = await t.api('member', 'GET', '/actions/restart');
    expect(action.body.action).toMatchObject({
      identifier: 'restart',
      blueprint: 'microservice',
      trigger: { operation: 'DAY-2' },
      requiredApproval: false,
      allowAnyoneToViewRuns: true,
    });
    const bp = await t.api('member', 'POST', '/blueprints', { identifier: 'x', title: 'X' });
    expect(bp.status).toBe(403);
    const act = await t.api('member', 'POST', '/actions', {
      identifier: 'x',
      title: 'X',
      blueprint: 'microservice',
      trigger: { operation: 'CREATE' },
    });
    expect(act.status).toBe(403);
    expect((await t.api('anonymous', 'GET', '/actions')).status).toBe(401);
  });

  it('refuses a duplicate, an unknown blueprint and an unknown operation', async () => {
    const base = { title: 'X', blueprint: 'microservice', trigger: { operation: 'CREATE' } };
    const dup = await t.api('admin', 'POST', '/actions', { ...base, identifier: 'restart' });
    expect(dup.status).toBe(409);
    const noBp = await t.api('admin', 'POST', '/actions', {
      ...base,
      identifier: 'y',
      blueprint: 'nope',
    });
    expect(noBp.status).toBe(404);
    const badOp = await t.api('admin', 'POST', '/actions', {
      ...base,
      identifier: 'z',
      trigger: { operation: 'UPDATE' },
    });
    expect(badOp.status).toBe(422);
    expect(badOp.body.message).toContain('body.trigger.operation');
    expect((await t.api('member', 'GET', '/actions/nope')).status).toBe(404);
  });
});
