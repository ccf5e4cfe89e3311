import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../contract/auth';
import { startTestServer, TEST_CREDENTIALS, type TestServer } from '../test/harness';

let now = Date.parse('2026-05-01T09:00:00Z');
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    clock: () => new Date(now),
    // Behind a proxy (TRUST_PROXY=on) that says the browser came over https.
    app: { session: { ttlMs: 60 * 60_000 }, trustProxy: true },
  });
});
afterAll(async () => t.close());

async function signIn() {
  const res = await fetch(`${t.baseUrl}/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CSRF_HEADER]: '1' },
    body: JSON.stringify({ email: 'admin@runboard.dev', password: TEST_CREDENTIALS.adminPassword }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

const me = (cookie: string) => fetch(`${t.baseUrl}/v1/me`, { headers: { cookie } });

describe('browser sessions', () => {
  it('expire after the session lifetime', async () => {
    const cookie = await signIn();
    now += 59 * 60_000;
    expect((await me(cookie)).status).toBe(200);
    now += 2 * 60_000;
    const expired = await me(cookie);
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { message: string }).message).toBe(
      'Your session has ended; sign in again',
    );
  });

  it('sign-out ends this session only', async () => {
    const a = await signIn();
    const b = await signIn();
    const out = await fetch(`${t.baseUrl}/v1/auth/sign-out`, {
      method: 'POST',
      headers: { cookie: a, [CSRF_HEADER]: '1' },
    });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/runboard_session=;/);
    expect((await me(a)).status).toBe(401);
    expect((await me(b)).status).toBe(200);
  });

  it('over https (as the trusted proxy says) sends HSTS and a Secure cookie', async () => {
    const res = await fetch(`${t.baseUrl}/v1/auth/sign-in`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [CSRF_HEADER]: '1',
        'x-forwarded-proto': 'https',
      },
      body: JSON.stringify({
        email: 'admin@runboard.dev',
        password: TEST_CREDENTIALS.adminPassword,
      }),
    });
    expect(res.headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    );
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
    // The browser's Origin is the proxy's public one; the check reads it from X-Forwarded-*.
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    const write = await fetch(`${t.baseUrl}/v1/auth/sign-out-everywhere`, {
      method: 'POST',
      headers: {
        cookie,
        [CSRF_HEADER]: '1',
        origin: 'https://runboard.example.com',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'runboard.example.com',
      },
    });
    expect(write.status).toBe(200);
    const plain = await fetch(`${t.baseUrl}/healthz`);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });

  it('a bearer token opens a session that ends no later than the token', async () => {
    const token = await t.api('admin', 'GET', '/me');
    expect(token.status).toBe(200);
    const res = await t.api('admin', 'POST', '/auth/session');
    expect(res.status).toBe(200);
    const machine = await t.api('machine', 'POST', '/auth/session');
    expect(machine.status).toBe(401);
  });
});
