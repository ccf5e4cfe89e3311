import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../db/schema';
import { sha256 } from '../http/auth';
import { bearerToken, startTestServer, type TestServer } from '../test/harness';
import { createGuardedAction, seedActionCatalog, startRunAs } from './action-runs.fixtures';

/**
 * An admin's approval or decline is on the run's log by name, with the reason the dashboard's
 * dialog asks for ("Recorded in the run's log and the audit log"), and in the audit entry of the
 * status it changes.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await seedActionCatalog(t);
  await createGuardedAction(t, 'guarded_scale', 'Guarded scale');
});
afterAll(async () => t.close());

const start = () => startRunAs(t, 'guarded_scale', { properties: {}, entity: 'orders' });
const logOf = async (id: string) =>
  (await t.api('member', 'GET', `/actions/runs/${id}/logs`)).body.runLogs.map(
    (l: { message: string; level: string }) => [l.level, l.message],
  );
const auditOf = async (id: string) =>
  (await t.api('admin', 'GET', `/audit-log?run_id=${id}`)).body.audits[0];

describe('PATCH /v1/actions/runs/{id}/approval', () => {
  it('logs an approval with the admin’s name and reason and audits the reason', async () => {
    const id = await start();
    const res = await t.api('admin', 'PATCH', `/actions/runs/${id}/approval`, {
      status: 'APPROVE',
      description: ' Capacity for the launch ',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [[level, line]] = await logOf(id);
    expect(level).toBe('INFO');
    expect(line).toMatch(/^Approved by Avery\b.*: Capacity for the launch$/);
    expect(await auditOf(id)).toMatchObject({
      action: 'UPDATE',
      trigger: { by: { userId: 'user_admin' } },
      diff: {
        before: { status: 'WAITING_FOR_APPROVAL' },
        after: { status: 'IN_PROGRESS', approval: 'APPROVED', reason: 'Capacity for the launch' },
      },
    });
  });

  it('logs a decline without a reason as who declined it, and the run ends', async () => {
    const id = await start();
    const res = await t.api('admin', 'PATCH', `/actions/runs/${id}/approval`, {
      status: 'DECLINE',
    });
    expect(res.body.run.status).toBe('DECLINED');
    const log = await logOf(id);
    expect(log).toHaveLength(1);
    expect(log[0][1]).toMatch(/^Declined by Avery\b[^:]*$/);
    expect((await auditOf(id)).diff).toEqual({
      before: { status: 'WAITING_FOR_APPROVAL' },
      after: { status: 'DECLINED', approval: 'DECLINED' },
    });
  });

  it('audits each approval of an ALL policy by name with its reason, not only the last', async () => {
    await t.database.db.insert(users).values({
      id: 'user_grace',
      email: 'grace@runboard.dev',
      firstName: 'Grace',
      lastName: 'Hopper',
      role: 'admin',
      clientId: 'test-grace',
      clientSecretHash: sha256('test-grace-secret'),
    });
    const grace = {
      authorization: await bearerToken(t.baseUrl, 'test-grace', 'test-grace-secret'),
    };
    const all = await t.api('admin', 'POST', '/actions', {
      identifier: 'guarded_all',
      title: 'Needs every admin',
      blueprint: 'microservice',
      trigger: { operation: 'DAY-2' },
      requiredApproval: { type: 'ALL' },
    });
    expect(all.status, JSON.stringify(all.body)).toBe(201);
    const id = await startRunAs(t, 'guarded_all', { properties: {}, entity: 'orders' });

    const first = await t.api(
      'anonymous',
      'PATCH',
      `/actions/runs/${id}/approval`,
      { status: 'APPROVE', description: 'Looks safe' },
      grace,
    );
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.run.status).toBe('WAITING_FOR_APPROVAL');
    const waiting = (await t.api('admin', 'GET', `/audit-log?run_id=${id}`)).body.audits;
    expect(waiting[0]).toMatchObject({
      action: 'UPDATE',
      resourceType: 'run',
      trigger: { by: { userId: 'user_grace' } },
      diff: {
        before: { status: 'WAITING_FOR_APPROVAL' },
        after: { status: 'WAITING_FOR_APPROVAL', approval: 'APPROVED', reason: 'Looks safe' },
      },
    });

    const last = await t.api('admin', 'PATCH', `/actions/runs/${id}/approval`, {
      status: 'APPROVE',
      description: 'Go',
    });
    expect(last.body.run.status).toBe('IN_PROGRESS');
    const audits = (await t.api('admin', 'GET', `/audit-log?run_id=${id}`)).body.audits;
    expect(
      audits.map((a: { trigger: { by: { userId: string } }; diff: { after: unknown } }) => [
        a.trigger.by.userId,
        a.diff.after,
      ]),
    ).toEqual([
      ['user_admin', { status: 'IN_PROGRESS', approval: 'APPROVED', reason: 'Go' }],
      [
        'user_grace',
        { status: 'WAITING_FOR_APPROVAL', approval: 'APPROVED', reason: 'Looks safe' },
      ],
      ['user_member', expect.objectContaining({ status: 'WAITING_FOR_APPROVAL' })],
    ]);
  });

  it('logs nothing for a refused decision', async () => {
    const id = await start();
    const byMember = await t.api('member', 'PATCH', `/actions/runs/${id}/approval`, {
      status: 'APPROVE',
      description: 'me',
    });
    expect(byMember.status).toBe(403);
    expect(await logOf(id)).toEqual([]);
  });
});
