import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness';
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
        after: { status: 'IN_PROGRESS', reason: 'Capacity for the launch' },
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
      after: { status: 'DECLINED' },
    });
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
