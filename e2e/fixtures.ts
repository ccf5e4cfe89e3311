import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { stopLeftOver } from '../server/db/embedded-postgres';
import { RunDetailPage } from './pages/run-detail-page';
import { SignInPage } from './pages/sign-in-page';
import { WorkflowRunsPage } from './pages/workflow-runs-page';
import { WorkflowsPage } from './pages/workflows-page';
import { SeedApi, type Credentials } from './seed-api';
import { freePort } from '../server/free-port';
import { waitForHealth } from '../server/test/wait-health';

export const ADMIN: Credentials = { clientId: 'e2e-admin', clientSecret: 'e2e-admin-secret' };
export const MEMBER: Credentials = { clientId: 'e2e-member', clientSecret: 'e2e-member-secret' };
/** The user ids the server gives the seeded users (server/seed/users.ts). */
export const USER_IDS = { admin: 'user_admin', member: 'user_member' } as const;
/** The seeded people's email sign-in (and the names the server gives them). */
export const ADMIN_PERSON = {
  email: 'admin@runboard.dev',
  password: 'e2e-admin-password',
  name: 'Avery Admin',
};
export const MEMBER_PERSON = {
  email: 'member@runboard.dev',
  password: 'e2e-member-password',
  name: 'Morgan Member',
};

const root = path.resolve(import.meta.dirname, '..');

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Gives the page's browser context the session cookie of the token's user, as a sign-in through
 * the form would (POST /v1/auth/session exchanges a person's bearer token for the httpOnly
 * cookie). `credentials` is kept for existing callers; the token says who signs in.
 */
export async function presetSession(page: Page, _credentials: Credentials, token: string) {
  const res = await page.context().request.post('/v1/auth/session', {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok()) throw new Error(`presetSession: ${res.status()} ${await res.text()}`);
}

export interface RunningServer {
  baseURL: string;
  /** The server's DATA_DIR (its embedded PostgreSQL), for a spec that must reach the database. */
  dataDir: string;
}

interface WorkerFixtures {
  server: RunningServer;
  /** Extra environment for the worker's server (`test.use({serverEnv: …})` in a spec). */
  serverEnv: Record<string, string>;
}

interface TestFixtures {
  /** Seeds through the real API as the admin. */
  api: SeedApi;
  /** Seeds through the real API as the member (a second "started by"). */
  memberApi: SeedApi;
  /** A page whose browser context already holds the admin's session cookie. */
  signedIn: Page;
  signInPage: SignInPage;
  workflowsPage: WorkflowsPage;
  workflowRunsPage: WorkflowRunsPage;
  runDetailPage: RunDetailPage;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  serverEnv: [{}, { scope: 'worker', option: true }],
  server: [
    async ({ serverEnv }, use) => {
      if (!existsSync(path.join(root, 'dist', 'index.html'))) {
        throw new Error('dist/ holds no built SPA: run `npx vite build` (npm run test:e2e does)');
      }
      const port = await freePort();
      const dataDir = mkdtempSync(path.join(tmpdir(), 'runboard-e2e-'));
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
        cwd: root,
        env: {
          ...process.env,
          PORT: String(port),
          DATA_DIR: dataDir,
          SEED: 'none',
          SIMULATOR: 'off',
          STATIC_DIR: path.join(root, 'dist'),
          RUNBOARD_ADMIN_CLIENT_ID: ADMIN.clientId,
          RUNBOARD_ADMIN_CLIENT_SECRET: ADMIN.clientSecret,
          RUNBOARD_MEMBER_CLIENT_ID: MEMBER.clientId,
          RUNBOARD_MEMBER_CLIENT_SECRET: MEMBER.clientSecret,
          RUNBOARD_ADMIN_PASSWORD: ADMIN_PERSON.password,
          RUNBOARD_MEMBER_PASSWORD: MEMBER_PERSON.password,
          // Every test asks for tokens from 127.0.0.1; the limit itself has its own tests.
          RATE_LIMIT_PER_ADDRESS: '100000',
          ...serverEnv,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const baseURL = `http://127.0.0.1:${port}`;
      try {
        await waitForHealth(baseURL, child, () => output);
        await use({ baseURL, dataDir });
      } finally {
        await stop(child);
        // A server that had to be killed leaves its embedded PostgreSQL running.
        await stopLeftOver(dataDir);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    { scope: 'worker', timeout: 90_000 },
  ],

  baseURL: async ({ server }, use) => use(server.baseURL),

  api: async ({ server }, use) => use(new SeedApi(server.baseURL, ADMIN)),
  memberApi: async ({ server }, use) => use(new SeedApi(server.baseURL, MEMBER)),

  signedIn: async ({ page, api }, use) => {
    const token = await api.token();
    await presetSession(page, ADMIN, token);
    await use(page);
  },

  signInPage: async ({ page }, use) => use(new SignInPage(page)),
  workflowsPage: async ({ page }, use) => use(new WorkflowsPage(page)),
  workflowRunsPage: async ({ page }, use) => use(new WorkflowRunsPage(page)),
  runDetailPage: async ({ page }, use) => use(new RunDetailPage(page)),
});

export { expect };
