import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_TTL_SECONDS } from '../http/auth';
import { startTestServer, TEST_CREDENTIALS, type TestServer } from '../test/harness';
import { createLinearWorkflow, startRun } from '../test/workflow-fixtures';

let t: TestServer;
let now = Date.parse('2026-03-01T10:00:00Z');
beforeAll(async () => {
  t = await startTestServer({ clock: () => new Date(now) });
});
afterAll(async () => t.close());

async function requestToken(body: unknown) {
  const res = await fetch(`${t.baseUrl}/v1/auth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('POST /v1/auth/access_token', () => {
  it('issues a bearer token for the right credentials', async () => {
    const res = await requestToken({
      clientId: TEST_CREDENTIALS.adminClientId,
      clientSecret: TEST_CREDENTIALS.adminClientSecret,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: true,
      tokenType: 'Bearer',
      expiresIn: TOKEN_TTL_SECONDS,
    });
    expect(typeof res.body.accessToken).toBe('string');
    const me = await t.api('anonymous', 'GET', '/me', undefined, {
      authorization: `Bearer ${String(res.body.accessToken)}`,
    });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ role: 'admin', email: 'admin@runboard.dev' });
  });

  it('answers 401 with the error envelope for a wrong secret or an unknown client', async () => {
    for (const body of [
      { clientId: TEST_CREDENTIALS.adminClientId, clientSecret: 'wrong' },
      { clientId: 'nobody', clientSecret: TEST_CREDENTIALS.adminClientSecret },
    ]) {
      const res = await requestToken(body);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        ok: false,
        error: 'unauthorized',
        message: 'clientId or clientSecret is wrong',
      });
    }
  });

  it('answers 422 naming the missing field', async () => {
    const res = await requestToken({ clientId: TEST_CREDENTIALS.adminClientId });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.message).toMatch(/clientSecret/);
  });
});

describe('bearer tokens', () => {
  const routes: [string, string, unknown?][] = [
    ['GET', '/me'],
    ['GET', '/workflows'],
    ['POST', '/workflows', { identifier: 'x' }],
    ['GET', '/workflows/some-workflow'],
    ['PUT', '/workflows/some-workflow', {}],
    ['DELETE', '/workflows/some-workflow'],
    ['POST', '/workflows/some-workflow/runs', {}],
    ['GET', '/workflows/runs'],
    ['GET', '/workflows/runs/wfr_AAAAAAAAAAAAAAAA'],
    ['GET', '/workflows/runs/wfr_AAAAAAAAAAAAAAAA/logs'],
    ['PATCH', '/workflows/nodes/runs/wfnr_AAAAAAAAAAAAAAAA', {}],
    ['PATCH', '/workflows/runs/wfr_AAAAAAAAAAAAAAAA/nodes/wfnr_AAAAAAAAAAAAAAAA', {}],
    ['GET', '/workflows/nodes/runs/wfnr_AAAAAAAAAAAAAAAA/logs'],
    ['POST', '/workflows/nodes/runs/wfnr_AAAAAAAAAAAAAAAA/logs', { logs: [] }],
  ];

  it('answers 401 on every route without a token', async () => {
    for (const [method, path, body] of routes) {
      const res = await t.api('anonymous', method, path, body);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body).toMatchObject({ ok: false, error: 'unauthorized' });
      expect(res.body.message).toMatch(/Authorization: Bearer/);
    }
  });

  it('answers 401 on every route with an unknown token', async () => {
    for (const [method, path, body] of routes) {
      const res = await t.api('anonymous', method, path, body, {
        authorization: 'Bearer not-a-token-we-issued',
      });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body).toMatchObject({ ok: false, error: 'unauthorized' });
    }
  });

  it('answers 401 for a token that is not a bearer token', async () => {
    const res = await t.api('anonymous', 'GET', '/workflows', undefined, {
      authorization: 'Basic dXNlcjpwYXNz',
    });
    expect(res.status).toBe(401);
  });

  it('answers 401 once the token has expired', async () => {
    const { body } = await requestToken({
      clientId: TEST_CREDENTIALS.memberClientId,
      clientSecret: TEST_CREDENTIALS.memberClientSecret,
    });
    const authorization = `Bearer ${String(body.accessToken)}`;
    const before = await t.api('anonymous', 'GET', '/workflows', undefined, { authorization });
    expect(before.status).toBe(200);
    now += TOKEN_TTL_SECONDS * 1000 + 1;
    const after = await t.api('anonymous', 'GET', '/workflows', undefined, { authorization });
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/unknown or expired/);
  });
});

describe('request bodies', () => {
  it('answers 413 with the error envelope for a body over 1 MiB', async () => {
    await createLinearWorkflow(t, 'big-body');
    const run = await startRun(t, 'big-body');
    const work = run.nodeRuns.find((n) => n.nodeIdentifier === 'work')!;
    const res = await t.api('admin', 'PATCH', `/workflows/nodes/runs/${work.identifier}`, {
      output: { blob: 'x'.repeat(1024 * 1024) },
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ ok: false, error: 'payload_too_large' });
    expect(res.body.message).toMatch(/1 MiB/);
    const after = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}`);
    expect(after.body.workflowRun.variables.outputs.work).toBeUndefined();
  });

  it('accepts a body just under 1 MiB', async () => {
    const run = await startRun(t, 'big-body');
    const work = run.nodeRuns.find((n) => n.nodeIdentifier === 'work')!;
    const res = await t.api('admin', 'PATCH', `/workflows/nodes/runs/${work.identifier}`, {
      output: { blob: 'x'.repeat(1024 * 1024 - 100) },
    });
    expect(res.status).toBe(200);
  });

  it('answers 400 invalid_json for a body that is not JSON', async () => {
    const res = await t.api('admin', 'POST', '/workflows', '{"identifier": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      ok: false,
      error: 'invalid_json',
      message: 'The request body is not valid JSON',
    });
  });
});

describe('unknown routes', () => {
  it('answers 404 with the error envelope', async () => {
    const res = await t.api('admin', 'GET', '/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ ok: false, error: 'not_found' });
  });

  it('serves the OpenAPI document without a token, listing the workflow-run operations', async () => {
    const res = await t.api('anonymous', 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/workflows/runs',
        '/v1/workflows/runs/{wfr}',
        '/v1/workflows/nodes/runs/{wfnr}',
        '/v1/workflows/runs/{wfr}/nodes/{wfnr}',
        '/v1/workflows/nodes/runs/{wfnr}/logs',
      ]),
    );
    expect(res.body.paths['/v1/workflows/nodes/runs/{wfnr}'].patch.requestBody).toBeDefined();
  });

  it('serves /healthz without a token', async () => {
    const res = await fetch(`${t.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
