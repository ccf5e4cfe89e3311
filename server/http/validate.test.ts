import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_CREDENTIALS, type TestServer } from '../test/harness';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const credentials = JSON.stringify({
  clientId: TEST_CREDENTIALS.adminClientId,
  clientSecret: TEST_CREDENTIALS.adminClientSecret,
});

const postToken = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${t.baseUrl}/v1/auth/access_token`, { method: 'POST', headers, body });

describe('request validation', () => {
  it('reads a body as JSON whatever its Content-Type says, or without one', async () => {
    const kinds: Record<string, string>[] = [
      {},
      { 'content-type': 'text/plain' },
      { 'content-type': 'x/y' },
    ];
    for (const headers of kinds) {
      const res = await postToken(credentials, headers);
      expect(res.status, JSON.stringify(headers)).toBe(200);
    }
  });

  it('reads an empty body as {} and names the missing fields', async () => {
    const res = await postToken('');
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      ok: false,
      error: 'invalid_request',
      message: expect.stringMatching(/^body\.clientId: /),
    });
  });

  it('names a bad path parameter before a bad query parameter', async () => {
    const res = await t.api('admin', 'GET', '/actions/runs/not-a-run-id?version=v9');
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/^path\.id: /);
    const query = await t.api('admin', 'GET', '/actions/runs/r_0123456789abcdef?version=v9');
    expect(query.body.message).toMatch(/^query\.version: /);
  });

  it('names a bad query parameter before a body that is not JSON', async () => {
    const res = await t.api(
      'admin',
      'POST',
      '/workflows/runs/wfr_0123456789abcdef/cancel?force=maybe',
      '{',
    );
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/^query\.force: /);
  });

  it('refuses a member on an admin route before looking at the body', async () => {
    const res = await t.api('member', 'POST', '/workflows', '{not json');
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('forbidden');
  });
});
