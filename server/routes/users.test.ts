import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../contract/auth';
import { startTestServer, TEST_CREDENTIALS, type TestServer } from '../test/harness';
import { MEMBER_EMAIL } from '../seed/users';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    app: { rateLimits: { perAddress: 1000, failuresPerCredential: 3, windowMs: 60_000 } },
  });
});
afterAll(async () => t.close());

const SAME_ORIGIN = () => ({ [CSRF_HEADER]: '1', origin: t.baseUrl });

/** A browser-like client: keeps the session cookie, sends the dashboard's CSRF header. */
async function signIn(email: string, password: string) {
  const res = await fetch(`${t.baseUrl}/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...SAME_ORIGIN() },
    body: JSON.stringify({ email, password }),
  });
  const cookie = res.headers.get('set-cookie') ?? '';
  return { status: res.status, body: await res.json(), cookie, session: cookie.split(';')[0]! };
}

function withCookie(session: string, method: string, path: string, body?: unknown, extra = {}) {
  return fetch(`${t.baseUrl}/v1${path}`, {
    method,
    headers: {
      cookie: session,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...extra,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

async function token(clientId: string, clientSecret: string) {
  const res = await fetch(`${t.baseUrl}/v1/auth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId, clientSecret }),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

describe('people', () => {
  it('lists users with names and emails to everyone signed in', async () => {
    const res = await t.api('machine', 'GET', '/users');
    expect(res.status).toBe(200);
    expect(res.body.users).toContainEqual({
      id: 'user_admin',
      email: 'admin@runboard.dev',
      firstName: 'Avery',
      lastName: 'Admin',
      role: 'admin',
      status: 'ACTIVE',
    });
  });

  it('refuses a member managing people or credentials with 403', async () => {
    const calls: [string, string, unknown?][] = [
      ['POST', '/users/invite', { invitee: { email: 'x@example.com' } }],
      ['PATCH', '/users/user_admin', { role: 'member' }],
      ['GET', '/credentials'],
      ['POST', '/credentials', { name: 'ci' }],
      ['POST', '/credentials/user_organization/rotate'],
      ['DELETE', '/credentials/user_organization'],
    ];
    const member = await token(
      TEST_CREDENTIALS.memberClientId,
      TEST_CREDENTIALS.memberClientSecret,
    );
    const auth = { authorization: `Bearer ${member.body.accessToken}` };
    for (const [method, path, body] of calls) {
      const res = await t.api('anonymous', method, path, body, auth);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error).toBe('forbidden');
    }
  });

  it('adds a person who signs in with a password; the session cookie is httpOnly', async () => {
    const invited = await t.api('admin', 'POST', '/users/invite', {
      invitee: {
        email: 'Grace@Example.com',
        roles: ['Member'],
        firstName: 'Grace',
        lastName: 'Hopper',
      },
      password: 'correct horse battery',
    });
    expect(invited.status).toBe(201);
    expect(invited.body.user).toMatchObject({ email: 'grace@example.com', role: 'member' });
    const signed = await signIn('grace@example.com', 'correct horse battery');
    expect(signed.status).toBe(200);
    expect(signed.cookie).toMatch(/HttpOnly/i);
    expect(signed.cookie).toMatch(/SameSite=Lax/i);
    const me = await withCookie(signed.session, 'GET', '/me');
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe('grace@example.com');
    const again = await t.api('admin', 'POST', '/users/invite', {
      invitee: { email: 'grace@example.com' },
    });
    expect(again.status).toBe(409);
  });

  it('ends a deactivated person’s sessions and tokens at once', async () => {
    const signed = await signIn('member@runboard.dev', TEST_CREDENTIALS.memberPassword);
    expect(signed.status).toBe(200);
    const bearer = await token(
      TEST_CREDENTIALS.memberClientId,
      TEST_CREDENTIALS.memberClientSecret,
    );
    const auth = { authorization: `Bearer ${bearer.body.accessToken}` };
    expect((await t.api('anonymous', 'GET', '/me', undefined, auth)).status).toBe(200);

    const off = await t.api('admin', 'PATCH', '/users/member@runboard.dev', { status: 'DISABLED' });
    expect(off.status).toBe(200);
    expect((await withCookie(signed.session, 'GET', '/me')).status).toBe(401);
    expect((await t.api('anonymous', 'GET', '/me', undefined, auth)).status).toBe(401);
    expect((await signIn('member@runboard.dev', TEST_CREDENTIALS.memberPassword)).status).toBe(401);
    expect(
      (await token(TEST_CREDENTIALS.memberClientId, TEST_CREDENTIALS.memberClientSecret)).status,
    ).toBe(401);

    await t.api('admin', 'PATCH', '/users/user_member', { status: 'ACTIVE' });
    expect((await signIn('member@runboard.dev', TEST_CREDENTIALS.memberPassword)).status).toBe(200);
  });

  it('keeps the last active admin', async () => {
    const res = await t.api('admin', 'PATCH', '/users/user_admin', { role: 'member' });
    expect(res.status).toBe(422);
  });

  it('records sign-ins, failed sign-ins and role changes in the audit log, for admins only', async () => {
    await signIn('admin@runboard.dev', 'not the password at all');
    const invited = await t.api('admin', 'POST', '/users/invite', {
      invitee: { email: 'role@example.com' },
    });
    await t.api('admin', 'PATCH', `/users/${invited.body.user.id}`, { role: 'admin' });
    const audit = await t.api('admin', 'GET', '/audit-log?resources=session&resources=user');
    const entries = audit.body.audits as {
      resourceType: string;
      status: string;
      diff: { after: Record<string, unknown> };
    }[];
    expect(entries.some((e) => e.resourceType === 'session' && e.status === 'FAILURE')).toBe(true);
    expect(entries.some((e) => e.resourceType === 'session' && e.status === 'SUCCESS')).toBe(true);
    expect(entries.some((e) => e.resourceType === 'user' && e.diff.after.role === 'admin')).toBe(
      true,
    );
    // A fresh token: the member's cached one ended with the deactivation above.
    const fresh = await token(TEST_CREDENTIALS.memberClientId, TEST_CREDENTIALS.memberClientSecret);
    const member = await t.api('anonymous', 'GET', '/audit-log?resources=session', undefined, {
      authorization: `Bearer ${fresh.body.accessToken}`,
    });
    expect(member.status).toBe(200);
    expect(member.body.audits).toEqual([]);
  });
});

describe('machine credentials', () => {
  it('creates a credential whose secret is shown once and works', async () => {
    const made = await t.api('admin', 'POST', '/credentials', { name: 'CI deploys' });
    expect(made.status).toBe(201);
    const { credential, clientSecret } = made.body;
    expect(credential).toMatchObject({ name: 'CI deploys', status: 'ACTIVE', lastUsedAt: null });
    expect((await token(credential.clientId, clientSecret)).status).toBe(200);
    const list = await t.api('admin', 'GET', '/credentials');
    const listed = list.body.credentials.find((c: { id: string }) => c.id === credential.id);
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(list.body)).not.toContain(clientSecret);
    expect(list.body.credentials.map((c: { source: string }) => c.source)).toContain('environment');
  });

  it('a rotated secret works and the old one (and its tokens) stop at once', async () => {
    const made = (await t.api('admin', 'POST', '/credentials', { name: 'rotating' })).body;
    const old = await token(made.credential.clientId, made.clientSecret);
    const oldAuth = { authorization: `Bearer ${old.body.accessToken}` };
    const rotated = await t.api('admin', 'POST', `/credentials/${made.credential.id}/rotate`);
    expect(rotated.status).toBe(200);
    expect((await token(made.credential.clientId, made.clientSecret)).status).toBe(401);
    expect((await t.api('anonymous', 'GET', '/me', undefined, oldAuth)).status).toBe(401);
    expect((await token(made.credential.clientId, rotated.body.clientSecret)).status).toBe(200);
  });

  it('a revoked secret stops working at once, tokens included', async () => {
    const made = (await t.api('admin', 'POST', '/credentials', { name: 'revoked' })).body;
    const issued = await token(made.credential.clientId, made.clientSecret);
    const auth = { authorization: `Bearer ${issued.body.accessToken}` };
    expect((await t.api('anonymous', 'GET', '/me', undefined, auth)).status).toBe(200);
    const revoked = await t.api('admin', 'DELETE', `/credentials/${made.credential.id}`);
    expect(revoked.body.credential.status).toBe('REVOKED');
    expect((await t.api('anonymous', 'GET', '/me', undefined, auth)).status).toBe(401);
    const again = await token(made.credential.clientId, made.clientSecret);
    expect(again.status).toBe(401);
    expect(again.body.message).toMatch(/revoked/);
  });
});

describe('hardened edges', () => {
  it('answers 429 with Retry-After after too many failures, while other credentials are served', async () => {
    const made = (await t.api('admin', 'POST', '/credentials', { name: 'guessed' })).body;
    for (let i = 0; i < 3; i++) {
      expect((await token(made.credential.clientId, `guess-${i}`)).status).toBe(401);
    }
    const limited = await token(made.credential.clientId, 'guess-3');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ ok: false, error: 'rate_limited' });
    expect(limited.body.message).toMatch(/Too many failed attempts .* try again in \d+ seconds/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const other = await token(TEST_CREDENTIALS.adminClientId, TEST_CREDENTIALS.adminClientSecret);
    expect(other.status).toBe(200);
    // The right secret is never refused for the failures of guesses.
    expect((await token(made.credential.clientId, made.clientSecret)).status).toBe(200);
  });

  it('refuses a cookie-authenticated write without the CSRF header or from another origin', async () => {
    const { session } = await signIn('admin@runboard.dev', TEST_CREDENTIALS.adminPassword);
    const body = { name: 'csrf' };
    const bare = await withCookie(session, 'POST', '/credentials', body);
    expect(bare.status).toBe(403);
    const crossSite = await withCookie(session, 'POST', '/credentials', body, {
      [CSRF_HEADER]: '1',
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);
    const same = await withCookie(session, 'POST', '/credentials', body, SAME_ORIGIN());
    expect(same.status).toBe(201);
  });

  it('signs out everywhere: every session of the person ends', async () => {
    const a = await signIn('admin@runboard.dev', TEST_CREDENTIALS.adminPassword);
    const b = await signIn('admin@runboard.dev', TEST_CREDENTIALS.adminPassword);
    const res = await withCookie(
      a.session,
      'POST',
      '/auth/sign-out-everywhere',
      undefined,
      SAME_ORIGIN(),
    );
    expect(res.status).toBe(200);
    expect((await withCookie(b.session, 'GET', '/me')).status).toBe(401);
  });

  it('sends security headers with a CSP that allows no inline script', async () => {
    const res = await fetch(`${t.baseUrl}/healthz`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self'( 'unsafe-eval')?;/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('rate limits behind a trusted proxy', () => {
  let p: TestServer;
  beforeAll(async () => {
    p = await startTestServer({
      app: {
        trustProxy: true,
        rateLimits: { perAddress: 4, failuresPerCredential: 2, windowMs: 60_000 },
      },
    });
  });
  afterAll(async () => p.close());

  const from = (address: string, clientId: string, clientSecret: string) =>
    fetch(`${p.baseUrl}/v1/auth/access_token`, {
      method: 'POST',
      // The proxy appends the address it saw; what comes before is whatever the client sent.
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ clientId, clientSecret }),
    });

  it('guesses from one address do not lock the right secret out from another', async () => {
    const { clientId, clientSecret } = {
      clientId: TEST_CREDENTIALS.memberClientId,
      clientSecret: TEST_CREDENTIALS.memberClientSecret,
    };
    expect((await from('198.51.100.1', clientId, 'guess-1')).status).toBe(401);
    expect((await from('198.51.100.1', clientId, 'guess-2')).status).toBe(401);
    expect((await from('198.51.100.1', clientId, 'guess-3')).status).toBe(429);
    expect((await from('198.51.100.2', clientId, clientSecret)).status).toBe(200);
  });

  it('successful token requests do not count against the address', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await from(
        '198.51.100.3',
        TEST_CREDENTIALS.adminClientId,
        TEST_CREDENTIALS.adminClientSecret,
      );
      expect(res.status).toBe(200);
    }
  });

  it('wrong passwords from one address do not keep the person out from another', async () => {
    const signIn = (address: string, password: string) =>
      fetch(`${p.baseUrl}/v1/auth/sign-in`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [CSRF_HEADER]: '1',
          'x-forwarded-for': address,
        },
        body: JSON.stringify({ email: MEMBER_EMAIL, password }),
      });
    expect((await signIn('198.51.100.7', 'guess-one-here')).status).toBe(401);
    expect((await signIn('198.51.100.7', 'guess-two-here')).status).toBe(401);
    expect((await signIn('198.51.100.7', TEST_CREDENTIALS.memberPassword)).status).toBe(429);
    expect((await signIn('198.51.100.8', TEST_CREDENTIALS.memberPassword)).status).toBe(200);
  });

  it('counts the address the proxy added (the last entry), not one the client wrote', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${p.baseUrl}/v1/auth/sign-in`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [CSRF_HEADER]: '1',
          'x-forwarded-for': `10.0.0.${i}, 203.0.113.9`,
        },
        body: JSON.stringify({ email: `nobody${i}@example.com`, password: 'wrong-password-here' }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });
});

describe('the last active admin', () => {
  let q: TestServer;
  beforeAll(async () => {
    q = await startTestServer();
  });
  afterAll(async () => q.close());

  it('two admins deactivating each other at once: one succeeds, one admin remains', async () => {
    // The member becomes the second admin; their bearer token is taken after the change.
    expect((await q.api('admin', 'PATCH', '/users/user_member', { role: 'admin' })).status).toBe(
      200,
    );
    expect((await q.api('member', 'GET', '/me')).status).toBe(200);
    expect((await q.api('admin', 'GET', '/me')).status).toBe(200);
    // Both changes are held before they commit (the audit entry waits on this lock), so both
    // read the admins while the other one is still in flight.
    const pool = (q.database.db as unknown as { $client: pg.Pool }).$client;
    const holder = await pool.connect();
    const watcher = await pool.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table audit_log in exclusive mode');
      const a = q.api('admin', 'PATCH', '/users/user_member', { status: 'DISABLED' });
      const b = q.api('member', 'PATCH', '/users/user_admin', { status: 'DISABLED' });
      for (let waited = 0; ; waited++) {
        const { rows } = await watcher.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`,
        );
        if (rows[0]!.n >= 2) break;
        if (waited > 200) throw new Error('the two changes never both waited');
        await new Promise((r) => setTimeout(r, 25));
      }
      await holder.query('commit');
      const statuses = [(await a).status, (await b).status].sort();
      expect(statuses).toEqual([200, 422]);
    } finally {
      await holder.query('rollback').catch(() => undefined);
      holder.release();
      watcher.release();
    }
    const people = (
      await pool.query<{ n: number }>(
        `select count(*)::int as n from users where role = 'admin' and status = 'ACTIVE'`,
      )
    ).rows[0]!.n;
    expect(people).toBe(1);
  });
});

describe('rate-limit rows', () => {
  let r: TestServer;
  beforeAll(async () => {
    r = await startTestServer({
      app: { rateLimits: { perAddress: 100, failuresPerCredential: 5, windowMs: 300 } },
    });
  });
  afterAll(async () => r.close());

  const wrongPassword = (email: string) =>
    fetch(`${r.baseUrl}/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CSRF_HEADER]: '1', origin: r.baseUrl },
      body: JSON.stringify({ email, password: 'wrong-password-here' }),
    });
  const keys = async () => {
    const pool = (r.database.db as unknown as { $client: pg.Pool }).$client;
    return (await pool.query<{ key: string }>('select key from rate_limits')).rows.map(
      (row) => row.key,
    );
  };

  it('are dropped once their window has passed, so the table does not keep every address', async () => {
    expect((await wrongPassword('first-guess@example.com')).status).toBe(401);
    expect((await keys()).some((k) => k.includes('first-guess@example.com'))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 700));
    // The address's next attempt opens a new window, which prunes every expired key.
    expect((await wrongPassword('second-guess@example.com')).status).toBe(401);
    const left = await keys();
    expect(left.some((k) => k.includes('first-guess@example.com'))).toBe(false);
    expect(left.some((k) => k.includes('second-guess@example.com'))).toBe(true);
  });
});
