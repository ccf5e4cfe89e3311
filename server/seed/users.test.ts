import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../contract/auth';
import { DEMO_ADMIN_PASSWORD, DEMO_MEMBER_PASSWORD, readConfig } from '../config';
import { startTestServer, type TestServer } from '../test/harness';
import { ADMIN_EMAIL, MEMBER_EMAIL, ensureUsers, startupCredentials } from './users';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

const pool = () => (t.database.db as unknown as { $client: pg.Pool }).$client;

/** What the server does with the seeded people at a start with this environment. */
const start = (env: NodeJS.ProcessEnv) =>
  ensureUsers(t.database.db, startupCredentials(readConfig(env), env));

async function signIn(email: string, password: string) {
  const res = await fetch(`${t.baseUrl}/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CSRF_HEADER]: '1' },
    body: JSON.stringify({ email, password }),
  });
  return res.status;
}

describe('the seeded people’s passwords at start-up', () => {
  // An install from before passwords: the seeded people have none yet.
  beforeEach(async () => {
    await pool().query(`update users set password_hash = null where email in ($1, $2)`, [
      ADMIN_EMAIL,
      MEMBER_EMAIL,
    ]);
  });

  it('a demo install (SEED=demo, default secrets) gets the prefilled demo passwords', async () => {
    await start({ SEED: 'demo' });
    expect(await signIn(ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)).toBe(200);
    expect(await signIn(MEMBER_EMAIL, DEMO_MEMBER_PASSWORD)).toBe(200);
  });

  it('without the demo seed no one gets the public default password', async () => {
    await start({ SEED: 'none' });
    expect(await signIn(ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)).toBe(401);
    expect(await signIn(MEMBER_EMAIL, DEMO_MEMBER_PASSWORD)).toBe(401);
    const stored = await pool().query(`select password_hash from users where email = $1`, [
      ADMIN_EMAIL,
    ]);
    expect(stored.rows[0].password_hash).toBeNull();
  });

  it('with the demo seed, a person whose client secret is set gets no default password', async () => {
    await start({ SEED: 'demo', RUNBOARD_ADMIN_CLIENT_SECRET: 'a-real-secret-of-this-install' });
    expect(await signIn(ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)).toBe(401);
    expect(await signIn(MEMBER_EMAIL, DEMO_MEMBER_PASSWORD)).toBe(200);
  });

  it('a password set through its variable is applied, demo seed or not', async () => {
    await start({ SEED: 'none', RUNBOARD_ADMIN_PASSWORD: 'admin-password-from-env' });
    expect(await signIn(ADMIN_EMAIL, 'admin-password-from-env')).toBe(200);
    await start({ SEED: 'none', RUNBOARD_ADMIN_PASSWORD: 'admin-password-changed' });
    expect(await signIn(ADMIN_EMAIL, 'admin-password-changed')).toBe(200);
  });

  it('setting one person’s password leaves the other’s stored password alone', async () => {
    await start({ SEED: 'demo' });
    await start({ SEED: 'none', RUNBOARD_MEMBER_PASSWORD: 'member-password-own' });
    // Each start with only the admin's set: the member keeps theirs, not the default.
    await start({ SEED: 'demo', RUNBOARD_ADMIN_PASSWORD: 'admin-password-own' });
    await start({ SEED: 'demo', RUNBOARD_ADMIN_PASSWORD: 'admin-password-own' });
    expect(await signIn(MEMBER_EMAIL, 'member-password-own')).toBe(200);
    expect(await signIn(MEMBER_EMAIL, DEMO_MEMBER_PASSWORD)).toBe(401);
    expect(await signIn(ADMIN_EMAIL, 'admin-password-own')).toBe(200);
  });
});
