import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../contract/auth';
import type { AuditEntry } from '../../contract/entities';
import type { WorkflowRun } from '../../contract/workflows';
import { TEST_CREDENTIALS, startTestServer, type TestServer } from '../test/harness';
import { createQuietWorkflow, nodeRunOf, startRun } from '../test/workflow-fixtures';
import { createGuardedAction, seedActionCatalog, startRunAs } from './action-runs.fixtures';

/**
 * The acts a person does from the dashboard (which sends `x-runboard-source: UI` on every write)
 * are audited with `trigger.origin: UI`, as the runs it starts are; the same request without the
 * header, or from machine credentials, is `API`.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await seedActionCatalog(t);
  await createQuietWorkflow(t, 'origins');
  await createGuardedAction(t, 'origin_guarded');
});
afterAll(async () => t.close());

const UI = { 'x-runboard-source': 'UI' };
/**
 * The origin of the run's newest audit entry; `changes` (the default) skips a workflow run's start
 * (a CREATE without `rerunOf`), so a control's entry is read, not the run's start before it.
 */
const originOf = async (runId: string, which: 'changes' | 'start' = 'changes') => {
  const res = await t.api('admin', 'GET', `/audit-log?run_id=${runId}&resources=run`);
  const audits = res.body.audits as {
    action: string;
    trigger: { origin: string };
    diff: { after: { rerunOf?: string } | null };
  }[];
  const isStart = (e: (typeof audits)[number]) =>
    runId.startsWith('wfr_') && e.action === 'CREATE' && e.diff.after?.rerunOf === undefined;
  const entry = audits.find((e) => (which === 'start') === isStart(e));
  expect(entry, JSON.stringify(audits)).toBeDefined();
  return entry!.trigger.origin;
};
const live = () => startRun(t, 'origins', 'member');

describe('trigger.origin of run controls', () => {
  it('is UI for a cancel, a re-run and a run marked complete from the dashboard', async () => {
    const cancelled = await live();
    const cancel = await t.api(
      'admin',
      'POST',
      `/workflows/runs/${cancelled.identifier}/cancel?force=true`,
      { reason: 'x' },
      UI,
    );
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    expect(await originOf(cancelled.identifier)).toBe('UI');

    const rerun = await t.api(
      'member',
      'POST',
      `/workflows/runs/${cancelled.identifier}/rerun`,
      {},
      UI,
    );
    expect(rerun.status).toBe(201);
    const copy = rerun.body.workflowRun as WorkflowRun;
    expect(await originOf(copy.identifier)).toBe('UI');

    const completed = await t.api(
      'member',
      'POST',
      `/workflows/runs/${copy.identifier}/complete`,
      { result: 'FAILED', reason: 'y' },
      UI,
    );
    expect(completed.status).toBe(200);
    expect(await originOf(copy.identifier)).toBe('UI');
  });

  it('is UI for a node run marked complete by hand from the dashboard', async () => {
    const run = await live();
    const work = nodeRunOf(run, 'work').identifier;
    const res = await t.api(
      'member',
      'PATCH',
      `/workflows/nodes/runs/${work}`,
      { status: 'COMPLETED', result: 'FAILED', reason: 'stuck' },
      UI,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await originOf(run.identifier)).toBe('UI');
  });

  it('is UI for an approval and an action run marked complete from the dashboard', async () => {
    const approved = await startRunAs(t, 'origin_guarded', { properties: {}, entity: 'orders' });
    const res = await t.api(
      'admin',
      'PATCH',
      `/actions/runs/${approved}/approval`,
      { status: 'APPROVE' },
      UI,
    );
    expect(res.status).toBe(201);
    expect(await originOf(approved)).toBe('UI');
    const ended = await t.api(
      'member',
      'POST',
      `/actions/runs/${approved}/complete`,
      { status: 'FAILURE', reason: 'gave up' },
      UI,
    );
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(await originOf(approved)).toBe('UI');
  });

  it('is API without the header, and for machine credentials whatever they say', async () => {
    const plain = await live();
    const cancel = await t.api(
      'admin',
      'POST',
      `/workflows/runs/${plain.identifier}/cancel?force=true`,
      {},
    );
    expect(cancel.status).toBe(200);
    expect(await originOf(plain.identifier)).toBe('API');
    const byMachine = await live();
    const res = await t.api(
      'machine',
      'POST',
      `/workflows/runs/${byMachine.identifier}/cancel?force=true`,
      {},
      UI,
    );
    expect(res.status).toBe(200);
    expect(await originOf(byMachine.identifier)).toBe('API');
  });
});

describe('the start of a workflow run', () => {
  it('is audited as its creation, by whom, from where and with what inputs', async () => {
    const fromUi = await t.api('member', 'POST', '/workflows/origins/runs', { inputs: {} }, UI);
    expect(fromUi.status).toBe(201);
    const run = fromUi.body.workflowRun as WorkflowRun;
    const res = await t.api('admin', 'GET', `/audit-log?run_id=${run.identifier}&resources=run`);
    expect(res.body.audits).toHaveLength(1);
    expect(res.body.audits[0]).toMatchObject({
      action: 'CREATE',
      resourceType: 'run',
      status: 'SUCCESS',
      trigger: { by: { userId: 'user_member' }, origin: 'UI' },
      context: { runId: run.identifier },
      diff: { before: null, after: { status: 'IN_PROGRESS', inputs: {} } },
    });
    expect(await originOf(run.identifier, 'start')).toBe('UI');
    const overApi = await live();
    expect(await originOf(overApi.identifier, 'start')).toBe('API');
  });
});

describe('the actor of an audit entry, decided once by the sign-in middleware', () => {
  /** The member signed in with email and password: the dashboard's session cookie. */
  async function memberSession() {
    const res = await fetch(`${t.baseUrl}/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CSRF_HEADER]: '1' },
      body: JSON.stringify({
        email: 'member@runboard.dev',
        password: TEST_CREDENTIALS.memberPassword,
      }),
    });
    expect(res.status).toBe(200);
    return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  }

  /** What the dashboard sends on a write: the cookie, the CSRF header and its source. */
  const asDashboard = async (method: string, path: string, cookie: string) => {
    const res = await fetch(`${t.baseUrl}/v1${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        cookie,
        [CSRF_HEADER]: '1',
        origin: t.baseUrl,
        ...UI,
      },
      body: '{}',
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBeLessThan(300);
    return body;
  };

  const entriesOf = async (runId: string) => {
    const res = await t.api('admin', 'GET', `/audit-log?run_id=${runId}&resources=run`);
    return (res.body.audits as AuditEntry[]).map((e) => ({
      action: e.action,
      by: e.trigger.by.userId,
      origin: e.trigger.origin,
    }));
  };

  it('names the client of a token, with source API, on a start and a cancel', async () => {
    // Machine credentials' UI header is not believed.
    const started = await t.api('machine', 'POST', '/workflows/origins/runs', {}, UI);
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const run = started.body.workflowRun as WorkflowRun;
    const cancel = await t.api('admin', 'POST', `/workflows/runs/${run.identifier}/cancel`, {});
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    expect(await entriesOf(run.identifier)).toEqual([
      { action: 'UPDATE', by: 'user_admin', origin: 'API' },
      { action: 'CREATE', by: 'user_organization', origin: 'API' },
    ]);
  });

  it('names the person signed in, with source UI, on a start and a cancel', async () => {
    const cookie = await memberSession();
    const started = await asDashboard('POST', '/workflows/origins/runs', cookie);
    const run = started.workflowRun as WorkflowRun;
    await asDashboard('POST', `/workflows/runs/${run.identifier}/cancel?force=true`, cookie);
    expect(await entriesOf(run.identifier)).toEqual([
      { action: 'UPDATE', by: 'user_member', origin: 'UI' },
      { action: 'CREATE', by: 'user_member', origin: 'UI' },
    ]);
  });
});

describe('trigger.origin of entity and people changes', () => {
  /** The origin of the newest audit entry that `query` selects, as an admin reads it. */
  const newestOrigin = async (query: string) => {
    const res = await t.api('admin', 'GET', `/audit-log?${query}`);
    const audits = res.body.audits as { trigger: { origin: string } }[];
    expect(audits.length, JSON.stringify(res.body)).toBeGreaterThan(0);
    return audits[0]!.trigger.origin;
  };

  it('is UI for an entity the dashboard changes and API for one a client changes', async () => {
    const fromUi = await t.api(
      'member',
      'POST',
      '/blueprints/microservice/entities',
      { identifier: 'origin-ui', title: 'From the dashboard' },
      UI,
    );
    expect(fromUi.status, JSON.stringify(fromUi.body)).toBe(201);
    expect(await newestOrigin('resources=entity&entity=origin-ui')).toBe('UI');
    const fromApi = await t.api('member', 'POST', '/blueprints/microservice/entities', {
      identifier: 'origin-api',
      title: 'From a client',
    });
    expect(fromApi.status, JSON.stringify(fromApi.body)).toBe(201);
    expect(await newestOrigin('resources=entity&entity=origin-api')).toBe('API');
  });

  it('is UI for a person the dashboard invites and API for one an admin token invites', async () => {
    const invite = (email: string, headers?: Record<string, string>) =>
      t.api('admin', 'POST', '/users/invite', { invitee: { email, roles: ['Member'] } }, headers);
    const fromUi = await invite('origin-ui@example.com', UI);
    expect(fromUi.status, JSON.stringify(fromUi.body)).toBe(201);
    const fromApi = await invite('origin-api@example.com');
    expect(fromApi.status, JSON.stringify(fromApi.body)).toBe(201);
    const res = await t.api('admin', 'GET', '/audit-log?resources=user&action=CREATE');
    const audits = res.body.audits as {
      trigger: { origin: string };
      diff: { after: { email?: string } | null };
    }[];
    const originFor = (email: string) =>
      audits.find((a) => a.diff.after?.email === email)?.trigger.origin;
    expect(originFor('origin-ui@example.com'), JSON.stringify(audits)).toBe('UI');
    expect(originFor('origin-api@example.com'), JSON.stringify(audits)).toBe('API');
  });
});

describe('trigger.origin of sign-in entries', () => {
  /** The newest session entry `match` picks, as an admin reads the security trail. */
  const sessionEntry = async (match: (e: AuditEntry) => boolean) => {
    const res = await t.api('admin', 'GET', '/audit-log?resources=session');
    const found = (res.body.audits as AuditEntry[]).find(match);
    expect(found, JSON.stringify(res.body)).toBeDefined();
    return found!;
  };

  it('is API for client credentials the token endpoint refuses', async () => {
    const res = await fetch(`${t.baseUrl}/v1/auth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'origin-no-such-client', clientSecret: 'wrong' }),
    });
    expect(res.status).toBe(401);
    const entry = await sessionEntry(
      (e) => (e.diff.after as { clientId?: string } | null)?.clientId === 'origin-no-such-client',
    );
    expect(entry).toMatchObject({ status: 'FAILURE', trigger: { origin: 'API' } });
  });

  it('is API for signing out everywhere over a token', async () => {
    // Credentials of its own: signing out everywhere ends every token of its user.
    const made = await t.api('admin', 'POST', '/credentials', { name: 'origin sign-out' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const { credential, clientSecret } = made.body as {
      credential: { id: string; clientId: string };
      clientSecret: string;
    };
    const issued = await fetch(`${t.baseUrl}/v1/auth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: credential.clientId, clientSecret }),
    });
    const { accessToken } = (await issued.json()) as { accessToken: string };
    const res = await fetch(`${t.baseUrl}/v1/auth/sign-out-everywhere`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(res.status, await res.text()).toBe(200);
    const entry = await sessionEntry(
      (e) =>
        e.action === 'DELETE' &&
        e.trigger.by.userId === credential.id &&
        (e.diff.after as { method?: string } | null)?.method === 'sign-out everywhere',
    );
    expect(entry.trigger.origin).toBe('API');
  });
});
