import type pg from 'pg';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../contract/entities';
import type { WorkflowRun } from '../../contract/workflows';
import { users } from '../db/schema';
import { machineUser, startTestServer, type TestServer } from '../test/harness';
import {
  completeNode,
  createLinearWorkflow,
  createWorkflow,
  getRun,
  nodeRunOf,
  nodeStates,
  patchNode,
  startRun,
  unknownId,
  workflowBody,
} from '../test/workflow-fixtures';
import { seedActionCatalog, startRunAs } from './action-runs.fixtures';

let now = Date.parse('2026-03-01T10:00:00Z');
let t: TestServer;
let machine: Record<string, string>;

beforeAll(async () => {
  t = await startTestServer({ clock: () => new Date((now += 1000)) });
  await createLinearWorkflow(t, 'linear');
  await createLinearWorkflow(t, 'private', { allowAnyoneToViewRuns: false });
  // trigger → a → b → c, with a side branch a → side: re-running from c reuses trigger, a, b.
  await createWorkflow(
    t,
    workflowBody(
      'chain',
      ['trigger', 'a', 'b', 'c', 'side'],
      [
        ['trigger', 'a'],
        ['a', 'b'],
        ['b', 'c'],
        ['a', 'side'],
      ],
    ),
  );
  // Two nodes in progress at once, and one after them.
  await createWorkflow(
    t,
    workflowBody(
      'pair',
      ['trigger', 'left', 'right', 'after'],
      [
        ['trigger', 'left'],
        ['trigger', 'right'],
        ['left', 'after'],
        ['right', 'after'],
      ],
    ),
  );
  machine = await machineUser(t, 'backend');
});
afterAll(async () => t.close());

type As = 'admin' | 'member';

const complete = (id: string, body: unknown, as: As = 'admin') =>
  t.api(as, 'POST', `/workflows/runs/${id}/complete`, body);
const cancel = (id: string, query = '', body?: unknown, as: As = 'admin') =>
  t.api(as, 'POST', `/workflows/runs/${id}/cancel${query}`, body);
const rerun = (id: string, body: unknown = {}, as: As = 'admin') =>
  t.api(as, 'POST', `/workflows/runs/${id}/rerun`, body);

async function nodeLogs(nodeRunId: string) {
  const res = await t.api('admin', 'GET', `/workflows/nodes/runs/${nodeRunId}/logs`);
  expect(res.status).toBe(200);
  return (res.body.logs as { log: string }[]).map((l) => l.log);
}

/** The run's audit entries but a workflow run's start (its CREATE without `rerunOf`). */
async function auditOf(runId: string, as: As = 'admin') {
  const res = await t.api(as, 'GET', `/audit-log?run_id=${runId}`);
  expect(res.status).toBe(200);
  const isStart = (e: AuditEntry) =>
    runId.startsWith('wfr_') &&
    e.action === 'CREATE' &&
    (e.diff.after as { rerunOf?: string } | null)?.rerunOf === undefined;
  return (res.body.audits as AuditEntry[]).filter((e) => !isStart(e));
}

describe('POST /v1/workflows/runs/{wfr}/complete', () => {
  it('completes every in-progress node run and the run with the result, logging who and why', async () => {
    const run = await startRun(t, 'pair');
    const res = await complete(run.identifier, { result: 'FAILED', reason: 'backend died' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const after = res.body.workflowRun as WorkflowRun;
    expect(after).toMatchObject({ status: 'COMPLETED', result: 'FAILED' });
    expect(after.completedAt).not.toBeNull();
    expect(nodeStates(after)).toEqual([
      ['trigger', 'COMPLETED', 'SUCCESS'],
      ['left', 'COMPLETED', 'FAILED'],
      ['right', 'COMPLETED', 'FAILED'],
    ]);
    for (const node of ['left', 'right']) {
      expect(await nodeLogs(nodeRunOf(after, node).identifier)).toEqual([
        'Marked FAILED by Avery Admin (admin@runboard.dev): backend died',
      ]);
    }
    expect(await getRun(t, run.identifier)).toMatchObject({
      status: 'COMPLETED',
      result: 'FAILED',
    });
  });

  it('records the act in the audit log with the reason and the state before and after', async () => {
    const run = await startRun(t, 'linear');
    await complete(run.identifier, { result: 'SUCCESS', reason: 'deployed by hand' });
    const [entry] = await auditOf(run.identifier);
    expect(entry).toMatchObject({
      action: 'UPDATE',
      resourceType: 'run',
      status: 'SUCCESS',
      trigger: { by: { userId: 'user_admin' } },
      context: { runId: run.identifier },
      diff: {
        before: { status: 'IN_PROGRESS', result: null },
        after: {
          status: 'COMPLETED',
          result: 'SUCCESS',
          reason: 'deployed by hand',
          nodeRuns: [nodeRunOf(run, 'work').identifier],
        },
      },
    });
  });

  it.each([
    ['a missing reason', { result: 'SUCCESS' }, 'body.reason'],
    ['a blank reason', { result: 'SUCCESS', reason: '   ' }, 'body.reason'],
    ['an unknown result', { result: 'DONE', reason: 'x' }, 'body.result'],
  ])('refuses %s with 422 naming the field', async (_, body, field) => {
    const run = await startRun(t, 'linear');
    const res = await complete(run.identifier, body);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ ok: false, error: 'invalid_request' });
    expect(res.body.message).toContain(field);
    expect((await getRun(t, run.identifier)).status).toBe('IN_PROGRESS');
  });

  it('refuses a completed run with 422 run_exhausted naming how and when it ended', async () => {
    const run = await startRun(t, 'linear');
    await completeNode(t, nodeRunOf(run, 'work').identifier);
    const { completedAt } = await getRun(t, run.identifier);
    const res = await complete(run.identifier, { result: 'FAILED', reason: 'too late' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'run_exhausted' });
    expect(res.body.message).toContain(`already completed with result SUCCESS at ${completedAt}`);
  });

  it('lets the member who started the run mark it, and refuses other members with 403', async () => {
    const own = await startRun(t, 'linear', 'member');
    expect(
      (await complete(own.identifier, { result: 'SUCCESS', reason: 'mine' }, 'member')).status,
    ).toBe(200);
    const other = await startRun(t, 'linear', 'admin');
    const res = await complete(
      other.identifier,
      { result: 'SUCCESS', reason: 'not mine' },
      'member',
    );
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ ok: false, error: 'forbidden' });
    expect(res.body.message).toContain('Only admins and the user who started');
    expect((await getRun(t, other.identifier)).status).toBe('IN_PROGRESS');
    expect(await auditOf(other.identifier)).toEqual([]);
  });

  it('answers 404 for a private run the member cannot see, and for an unknown run', async () => {
    const hidden = await startRun(t, 'private', 'admin');
    const body = { result: 'SUCCESS', reason: 'x' };
    expect((await complete(hidden.identifier, body, 'member')).status).toBe(404);
    expect((await complete(unknownId('wfr_'), body)).status).toBe(404);
    expect((await complete('wfr_bad', body)).status).toBe(422);
  });

  it('accepts machine credentials', async () => {
    const run = await startRun(t, 'linear', 'member');
    const res = await t.api(
      'anonymous',
      'POST',
      `/workflows/runs/${run.identifier}/complete`,
      { result: 'CANCELLED', reason: 'cleanup job' },
      machine,
    );
    expect(res.status).toBe(200);
    expect(res.body.workflowRun).toMatchObject({ status: 'COMPLETED', result: 'CANCELLED' });
  });
});

describe("a manual completion racing the backend — on a real PostgreSQL (every test run has one) this proves the run's row lock", () => {
  const PAIRS = 12;

  it('lets exactly one of /complete and the backend PATCH win; the other gets 422 and leaves nothing behind', async () => {
    for (let i = 0; i < PAIRS; i++) {
      const run = await startRun(t, 'linear', 'member');
      const work = nodeRunOf(run, 'work').identifier;
      const sendManual = () =>
        complete(run.identifier, { result: 'FAILED', reason: `stuck ${i}` }, 'member');
      const sendBackend = () =>
        t.api(
          'anonymous',
          'PATCH',
          `/workflows/nodes/runs/${work}`,
          {
            status: 'COMPLETED',
            result: 'SUCCESS',
            output: { built: i },
            logs: [{ logLevel: 'INFO', log: `backend done ${i}` }],
          },
          machine,
        );
      // Which request leaves first alternates; against PostgreSQL both win some pairs (the next
      // test covers a manual win deterministically).
      const [manual, backend] =
        i % 2 === 0
          ? await Promise.all([sendManual(), sendBackend()])
          : await Promise.all([sendBackend(), sendManual()]).then(([b, m]) => [m, b] as const);
      expect([manual.status, backend.status].sort()).toEqual([200, 422]);
      const loser = manual.status === 422 ? manual : backend;
      expect(loser.body.error).toBe('run_exhausted');
      const after = await getRun(t, run.identifier);
      const node = nodeRunOf(after, 'work');
      const logs = await nodeLogs(work);
      const audits = await auditOf(run.identifier);
      if (manual.status === 200) {
        expect(after).toMatchObject({ status: 'COMPLETED', result: 'FAILED' });
        expect(node).toMatchObject({ result: 'FAILED', output: {} });
        expect(after.variables.outputs).not.toHaveProperty('work');
        expect(logs).toEqual([`Marked FAILED by Morgan Member (member@runboard.dev): stuck ${i}`]);
        expect(audits).toHaveLength(1);
      } else {
        expect(after).toMatchObject({ status: 'COMPLETED', result: 'SUCCESS' });
        expect(node).toMatchObject({ result: 'SUCCESS', output: { built: i } });
        expect(logs).toEqual([`backend done ${i}`]);
        expect(audits).toEqual([]);
      }
    }
  });

  it('after a manual completion, refuses the backend’s PATCH with 422 and stores none of it', async () => {
    const run = await startRun(t, 'linear', 'member');
    const work = nodeRunOf(run, 'work').identifier;
    await complete(run.identifier, { result: 'FAILED', reason: 'gave up' }, 'member');
    const late = await t.api(
      'anonymous',
      'PATCH',
      `/workflows/nodes/runs/${work}`,
      {
        status: 'COMPLETED',
        result: 'SUCCESS',
        output: { built: true },
        logs: [{ logLevel: 'INFO', log: 'backend done' }],
      },
      machine,
    );
    expect(late.status).toBe(422);
    expect(late.body.error).toBe('run_exhausted');
    const after = await getRun(t, run.identifier);
    expect(after).toMatchObject({ status: 'COMPLETED', result: 'FAILED' });
    expect(nodeRunOf(after, 'work')).toMatchObject({ result: 'FAILED', output: {} });
    expect(after.variables.outputs).not.toHaveProperty('work');
    expect(await nodeLogs(work)).toEqual([
      'Marked FAILED by Morgan Member (member@runboard.dev): gave up',
    ]);
  });

  it('lets exactly one of two completions of the same node run win (the dashboard marks a node run with the node-run PATCH)', async () => {
    for (let i = 0; i < PAIRS; i++) {
      const run = await startRun(t, 'linear', 'member');
      const work = nodeRunOf(run, 'work').identifier;
      const [manual, backend] = await Promise.all([
        patchNode(t, work, {
          status: 'COMPLETED',
          result: 'FAILED',
          logs: [{ logLevel: 'INFO', log: `Marked FAILED by admin@runboard.dev: hung ${i}` }],
        }),
        t.api(
          'anonymous',
          'PATCH',
          `/workflows/nodes/runs/${work}`,
          { status: 'COMPLETED', result: 'SUCCESS', logs: [{ logLevel: 'INFO', log: `ok ${i}` }] },
          machine,
        ),
      ]);
      expect([manual.status, backend.status].sort()).toEqual([200, 422]);
      const manualWon = manual.status === 200;
      const after = await getRun(t, run.identifier);
      expect(after.result).toBe(manualWon ? 'FAILED' : 'SUCCESS');
      expect(await nodeLogs(work)).toEqual([
        manualWon ? `Marked FAILED by admin@runboard.dev: hung ${i}` : `ok ${i}`,
      ]);
      const loser = manualWon ? backend : manual;
      expect(loser.body.message).toContain(
        `already completed with result ${after.result} at ${nodeRunOf(after, 'work').completedAt}`,
      );
    }
  });
});

async function nodeLogLines(nodeRunId: string): Promise<string[]> {
  const res = await t.api('admin', 'GET', `/workflows/nodes/runs/${nodeRunId}/logs`);
  expect(res.status).toBe(200);
  return res.body.logs.map((l: { log: string }) => l.log);
}

describe('marking one node run complete by hand ([ext] reason on the node-run PATCH)', () => {
  it('records who, when, why and the node run before and after in the audit log', async () => {
    const run = await startRun(t, 'linear');
    const work = nodeRunOf(run, 'work');
    const res = await patchNode(t, work.identifier, {
      status: 'COMPLETED',
      result: 'SUCCESS',
      reason: 'done by hand in the console',
      logs: [{ logLevel: 'INFO', log: 'Marked SUCCESS by admin@runboard.dev: done by hand' }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await getRun(t, run.identifier)).toMatchObject({
      status: 'COMPLETED',
      result: 'SUCCESS',
    });
    const [entry, ...rest] = await auditOf(run.identifier);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      action: 'UPDATE',
      resourceType: 'run',
      trigger: { by: { userId: 'user_admin' } },
      context: { runId: run.identifier },
      diff: {
        before: { nodeRun: work.identifier, status: 'IN_PROGRESS', result: null },
        after: {
          nodeRun: work.identifier,
          status: 'COMPLETED',
          result: 'SUCCESS',
          reason: 'done by hand in the console',
        },
      },
    });
  });

  it('writes the "Marked <result> by <name> (<email>): <reason>" line once when the PATCH carries only a reason', async () => {
    const run = await startRun(t, 'linear');
    const work = nodeRunOf(run, 'work');
    const res = await patchNode(t, work.identifier, {
      status: 'COMPLETED',
      result: 'FAILED',
      reason: 'backend lost',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await nodeLogLines(work.identifier)).toEqual([
      'Marked FAILED by Avery Admin (admin@runboard.dev): backend lost',
    ]);
  });

  it('does not repeat the line an older client already sent in logs, with or without the name', async () => {
    for (const line of [
      'Marked SUCCESS by admin@runboard.dev: checked by hand',
      'Marked SUCCESS by Avery Admin (admin@runboard.dev): checked by hand',
    ]) {
      const run = await startRun(t, 'linear');
      const work = nodeRunOf(run, 'work');
      const res = await patchNode(t, work.identifier, {
        status: 'COMPLETED',
        result: 'SUCCESS',
        reason: 'checked by hand',
        logs: [{ logLevel: 'INFO', log: line }],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(await nodeLogLines(work.identifier)).toEqual([line]);
    }
  });

  it('refuses a member who did not start the run with 403 and changes nothing', async () => {
    const run = await startRun(t, 'linear', 'admin');
    const work = nodeRunOf(run, 'work');
    const res = await patchNode(
      t,
      work.identifier,
      { status: 'COMPLETED', result: 'FAILED', reason: 'not mine' },
      'member',
    );
    expect(res.status).toBe(403);
    expect(res.body.message).toContain('Only admins and the user who started');
    expect(nodeRunOf(await getRun(t, run.identifier), 'work').status).toBe('IN_PROGRESS');
    expect(await auditOf(run.identifier)).toEqual([]);
  });

  it('refuses a member ending another user’s node run through the Port PATCH too, without a reason', async () => {
    const run = await startRun(t, 'linear', 'admin');
    const work = nodeRunOf(run, 'work');
    const res = await patchNode(
      t,
      work.identifier,
      { status: 'COMPLETED', result: 'FAILED' },
      'member',
    );
    expect(res.status).toBe(403);
    expect(nodeRunOf(await getRun(t, run.identifier), 'work').status).toBe('IN_PROGRESS');
    const logs = await patchNode(
      t,
      work.identifier,
      { logs: [{ logLevel: 'INFO', log: 'a member may still add lines' }] },
      'member',
    );
    expect(logs.status).toBe(200);
  });

  it('refuses a reason without a completion with 422 naming the field', async () => {
    const run = await startRun(t, 'linear');
    const res = await patchNode(t, nodeRunOf(run, 'work').identifier, { reason: 'why' });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('body.reason');
  });

  it('leaves a backend PATCH without a reason unaudited, as in Port', async () => {
    const run = await startRun(t, 'linear', 'member');
    const res = await patchNode(t, nodeRunOf(run, 'work').identifier, {
      status: 'COMPLETED',
      result: 'SUCCESS',
    });
    expect(res.status).toBe(200);
    expect(await auditOf(run.identifier)).toEqual([]);
  });
});

describe('POST /v1/workflows/runs/{wfr}/cancel', () => {
  it('moves the run to CANCELLING; when the in-progress node finishes, nothing new starts and the run completes CANCELLED', async () => {
    const run = await startRun(t, 'chain');
    const res = await cancel(run.identifier, '', { reason: 'wrong inputs' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.workflowRun).toMatchObject({ status: 'CANCELLING', result: null });
    const a = nodeRunOf(run, 'a').identifier;
    expect(nodeRunOf(res.body.workflowRun, 'a').status).toBe('IN_PROGRESS');
    await completeNode(t, a, 'SUCCESS', { output: { done: true } });
    const after = await getRun(t, run.identifier);
    expect(after).toMatchObject({ status: 'COMPLETED', result: 'CANCELLED' });
    expect(nodeStates(after)).toEqual([
      ['trigger', 'COMPLETED', 'SUCCESS'],
      ['a', 'COMPLETED', 'SUCCESS'],
    ]);
    expect(after.variables.outputs).toMatchObject({ a: { done: true } });
  });

  it('logs who asked to cancel and why on each node run still in progress', async () => {
    const run = await startRun(t, 'pair');
    await cancel(run.identifier, '', { reason: 'wrong inputs' });
    for (const node of ['left', 'right']) {
      expect(await nodeLogs(nodeRunOf(run, node).identifier)).toEqual([
        'Cancel requested by Avery Admin (admin@runboard.dev): wrong inputs',
      ]);
    }
  });

  it('waits for every in-progress node run before completing', async () => {
    const run = await startRun(t, 'pair');
    await cancel(run.identifier);
    await completeNode(t, nodeRunOf(run, 'left').identifier);
    expect((await getRun(t, run.identifier)).status).toBe('CANCELLING');
    await completeNode(t, nodeRunOf(run, 'right').identifier, 'FAILED');
    const after = await getRun(t, run.identifier);
    expect(after).toMatchObject({ status: 'COMPLETED', result: 'CANCELLED' });
    expect(after.nodeRuns.map((n) => n.nodeIdentifier)).not.toContain('after');
  });

  it('with force=true ends every in-progress node run CANCELLED at once, logging who and why', async () => {
    const run = await startRun(t, 'pair', 'member');
    const res = await cancel(run.identifier, '?force=true', { reason: 'runaway' }, 'member');
    expect(res.status).toBe(200);
    const after = res.body.workflowRun as WorkflowRun;
    expect(after).toMatchObject({ status: 'COMPLETED', result: 'CANCELLED' });
    expect(nodeStates(after)).toEqual([
      ['trigger', 'COMPLETED', 'SUCCESS'],
      ['left', 'COMPLETED', 'CANCELLED'],
      ['right', 'COMPLETED', 'CANCELLED'],
    ]);
    expect(await nodeLogs(nodeRunOf(after, 'left').identifier)).toEqual([
      'Cancelled by Morgan Member (member@runboard.dev): runaway',
    ]);
    const [entry] = await auditOf(run.identifier);
    expect(entry).toMatchObject({
      action: 'UPDATE',
      resourceType: 'run',
      trigger: { by: { userId: 'user_member' } },
      diff: {
        before: { status: 'IN_PROGRESS', result: null },
        after: { status: 'COMPLETED', result: 'CANCELLED', force: true, reason: 'runaway' },
      },
    });
  });

  it('forces a run that is already CANCELLING; a repeated plain cancel changes nothing', async () => {
    const run = await startRun(t, 'linear');
    await cancel(run.identifier);
    const again = await cancel(run.identifier);
    expect(again.status).toBe(200);
    expect(again.body.workflowRun.status).toBe('CANCELLING');
    const forced = await cancel(run.identifier, '?force=true');
    expect(forced.body.workflowRun).toMatchObject({ status: 'COMPLETED', result: 'CANCELLED' });
    expect((await auditOf(run.identifier)).map((e) => e.diff.after)).toEqual([
      {
        status: 'COMPLETED',
        result: 'CANCELLED',
        force: true,
        nodeRuns: [nodeRunOf(run, 'work').identifier],
      },
      { status: 'CANCELLING', result: null, force: false },
    ]);
  });

  it('refuses to cancel a completed run with 422', async () => {
    const run = await startRun(t, 'linear');
    await completeNode(t, nodeRunOf(run, 'work').identifier);
    for (const query of ['', '?force=true']) {
      const res = await cancel(run.identifier, query);
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('run_exhausted');
    }
    expect(await getRun(t, run.identifier)).toMatchObject({ result: 'SUCCESS' });
  });

  it('answers a backend that reports on a cancelled node run with 422 run_exhausted', async () => {
    const run = await startRun(t, 'linear');
    const work = nodeRunOf(run, 'work').identifier;
    await cancel(run.identifier, '?force=true');
    for (const body of [
      { status: 'COMPLETED', result: 'SUCCESS' },
      { output: { late: true } },
      { logs: [{ logLevel: 'INFO', log: 'late' }] },
    ]) {
      const res = await t.api('anonymous', 'PATCH', `/workflows/nodes/runs/${work}`, body, machine);
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('run_exhausted');
      expect(res.body.message).toContain('already completed with result CANCELLED at');
    }
    const after = await getRun(t, run.identifier);
    expect(nodeRunOf(after, 'work')).toMatchObject({ result: 'CANCELLED', output: {} });
    expect(await nodeLogs(work)).toEqual(['Cancelled by Avery Admin (admin@runboard.dev)']);
  });

  it('names a machine credential by its name with the email beside it', async () => {
    const deployer = await machineUser(t, 'deployer');
    await t.database.db
      .update(users)
      .set({ firstName: 'Deploy bot' })
      .where(eq(users.id, 'user_deployer'));
    const run = await startRun(t, 'linear');
    const work = nodeRunOf(run, 'work').identifier;
    const res = await t.api(
      'anonymous',
      'POST',
      `/workflows/runs/${run.identifier}/cancel?force=true`,
      { reason: 'rollback' },
      deployer,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await nodeLogs(work)).toEqual([
      'Cancelled by Deploy bot (deployer@runboard.dev): rollback',
    ]);
  });

  it('refuses a member who did not start the run with 403, and a bad force value with 422', async () => {
    const run = await startRun(t, 'linear', 'admin');
    expect((await cancel(run.identifier, '', undefined, 'member')).status).toBe(403);
    expect((await cancel(run.identifier, '?force=yes')).status).toBe(422);
    expect((await getRun(t, run.identifier)).status).toBe('IN_PROGRESS');
  });
});

describe('POST /v1/workflows/runs/{wfr}/rerun', () => {
  it('starts a new run of the same workflow with the same inputs and entity, linked both ways', async () => {
    const original = await startRun(t, 'chain', 'member', {
      inputs: { env: 'prod' },
      entity: 'service-payments',
    });
    await complete(original.identifier, { result: 'FAILED', reason: 'broken' }, 'member');
    const res = await rerun(original.identifier, { reason: 'try again' }, 'member');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const copy = res.body.workflowRun as WorkflowRun;
    expect(copy).toMatchObject({
      workflow: { identifier: 'chain', version: 1 },
      status: 'IN_PROGRESS',
      inputs: { env: 'prod' },
      entity: 'service-payments',
      rerunOf: original.identifier,
      createdBy: 'user_member',
      variables: { outputs: { trigger: { env: 'prod' } } },
    });
    expect(copy.identifier).not.toBe(original.identifier);
    expect(nodeStates(copy)).toEqual([
      ['trigger', 'COMPLETED', 'SUCCESS'],
      ['a', 'IN_PROGRESS', null],
    ]);
    expect(copy.nodeRuns.every((n) => n.reusedFrom === null)).toBe(true);
    expect((await getRun(t, original.identifier)).reruns).toEqual([copy.identifier]);
    // Who re-ran it and why is on the new run's log, as the dashboard's dialog says.
    expect(await nodeLogs(nodeRunOf(copy, 'trigger').identifier)).toEqual([
      `Re-run of ${original.identifier} by Morgan Member (member@runboard.dev): try again`,
    ]);
    const [entry] = await auditOf(copy.identifier);
    expect(entry).toMatchObject({
      action: 'CREATE',
      resourceType: 'run',
      trigger: { by: { userId: 'user_member' } },
      diff: {
        before: null,
        after: { rerunOf: original.identifier, fromNode: null, reused: [], reason: 'try again' },
      },
    });
  });

  it('from a middle node copies exactly the upstream outputs, marked as reused, and starts that node', async () => {
    const original = await startRun(t, 'chain', 'admin', { inputs: { v: 1 } });
    await completeNode(t, nodeRunOf(original, 'a').identifier, 'SUCCESS', { output: { a: 1 } });
    const afterA = await getRun(t, original.identifier);
    await completeNode(t, nodeRunOf(afterA, 'side').identifier, 'SUCCESS', { output: { side: 1 } });
    await completeNode(t, nodeRunOf(afterA, 'b').identifier, 'SUCCESS', { output: { b: 2 } });
    const afterB = await getRun(t, original.identifier);
    await completeNode(t, nodeRunOf(afterB, 'c').identifier, 'FAILED', { output: { c: 'x' } });
    const done = await getRun(t, original.identifier);
    expect(done).toMatchObject({ status: 'COMPLETED', result: 'FAILED' });

    const res = await rerun(original.identifier, { fromNode: 'c' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const copy = res.body.workflowRun as WorkflowRun;
    expect(copy.variables.outputs).toEqual({ trigger: { v: 1 }, a: { a: 1 }, b: { b: 2 } });
    for (const node of ['trigger', 'a', 'b']) {
      const reused = nodeRunOf(copy, node);
      const source = nodeRunOf(done, node);
      expect(reused).toMatchObject({
        status: 'COMPLETED',
        result: 'SUCCESS',
        output: source.output,
        reusedFrom: source.identifier,
      });
      expect(reused.identifier).not.toBe(source.identifier);
      expect(await nodeLogs(reused.identifier)).toEqual([
        `Reused output of ${source.identifier} from ${original.identifier}`,
      ]);
    }
    // `side` is not upstream of c: it runs again, like any node whose predecessors succeeded.
    expect(nodeStates(copy)).toEqual([
      ['trigger', 'COMPLETED', 'SUCCESS'],
      ['a', 'COMPLETED', 'SUCCESS'],
      ['b', 'COMPLETED', 'SUCCESS'],
      ['c', 'IN_PROGRESS', null],
      ['side', 'IN_PROGRESS', null],
    ]);
    expect(nodeRunOf(copy, 'c').reusedFrom).toBeNull();
    expect(await nodeLogs(nodeRunOf(copy, 'c').identifier)).toEqual([
      `Re-run of ${original.identifier} from node c by Avery Admin (admin@runboard.dev)`,
    ]);
    await completeNode(t, nodeRunOf(copy, 'c').identifier);
    await completeNode(t, nodeRunOf(copy, 'side').identifier);
    expect(await getRun(t, copy.identifier)).toMatchObject({
      status: 'COMPLETED',
      result: 'SUCCESS',
    });
    expect((await getRun(t, original.identifier)).reruns).toEqual([copy.identifier]);
  });

  it('refuses an unknown fromNode, and one whose upstream did not succeed, with 422 naming the node', async () => {
    const original = await startRun(t, 'chain');
    const unknown = await rerun(original.identifier, { fromNode: 'nope' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('"nope" is not a node');
    const early = await rerun(original.identifier, { fromNode: 'c' });
    expect(early.status).toBe(422);
    expect(early.body.message).toContain('upstream node "a" is still in progress');
    expect((await getRun(t, original.identifier)).reruns).toEqual([]);
  });

  it('re-runs an in-progress run, by the graph of the version the original ran', async () => {
    await createLinearWorkflow(t, 'evolving');
    const original = await startRun(t, 'evolving');
    const put = await t.api(
      'admin',
      'PUT',
      '/workflows/evolving',
      workflowBody('evolving', ['trigger', 'other'], [['trigger', 'other']]),
    );
    expect(put.status).toBe(200);
    const res = await rerun(original.identifier);
    expect(res.status).toBe(201);
    expect(res.body.workflowRun.workflow).toEqual({ identifier: 'evolving', version: 1 });
    expect(nodeStates(res.body.workflowRun)).toEqual([
      ['trigger', 'COMPLETED', 'SUCCESS'],
      ['work', 'IN_PROGRESS', null],
    ]);
    expect((await getRun(t, original.identifier)).status).toBe('IN_PROGRESS');
  });

  it('refuses to re-run a run of a workflow deleted since (409 workflow_deleted), the run kept', async () => {
    await createLinearWorkflow(t, 'retired');
    const original = await startRun(t, 'retired');
    const work = nodeRunOf(original, 'work').identifier;
    await completeNode(t, work);
    expect((await t.api('admin', 'DELETE', '/workflows/retired')).status).toBe(200);
    for (const body of [{}, { fromNode: 'work' }]) {
      const res = await rerun(original.identifier, body);
      expect(res.status, JSON.stringify(res.body)).toBe(409);
      expect(res.body).toEqual({
        ok: false,
        error: 'workflow_deleted',
        message: `Workflow "retired" has been deleted; its runs stay readable but cannot be re-run (run "${original.identifier}")`,
      });
    }
    // Nothing started, the run still reads as before; members are refused the same way, after
    // the check that it is theirs to control.
    expect((await getRun(t, original.identifier)).reruns).toEqual([]);
    expect((await rerun(original.identifier, {}, 'member')).status).toBe(403);
    // A workflow created again under the identifier takes its runs back: they re-run on it.
    await createLinearWorkflow(t, 'retired');
    const again = await rerun(original.identifier);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
  });

  it('holds a workflow delete until a re-run in flight has started its run on it', async () => {
    await createLinearWorkflow(t, 'racing');
    const original = await startRun(t, 'racing');
    await completeNode(t, nodeRunOf(original, 'work').identifier);
    // The re-run is held after it read the workflow, before it inserts its node runs: their
    // table is locked. A delete of the workflow then must wait for the re-run (its row is
    // share-locked by it), not delete the workflow under a run still being started on it.
    const pool = (t.database.db as unknown as { $client: pg.Pool }).$client;
    const holder = await pool.connect();
    const watcher = await pool.connect();
    let deleted = false;
    try {
      await holder.query('begin');
      await holder.query('lock table node_runs in exclusive mode');
      const [{ pid: holderPid }] = (
        await holder.query<{ pid: number }>('select pg_backend_pid() as pid')
      ).rows as [{ pid: number }];
      const started = rerun(original.identifier);
      // The backend that `blocker` blocks and whose statement is like `statement` (any when
      // null), once there is one. (Counting every backend waiting on a lock also counted the
      // server's background work waiting on the locked table: the delete then ran before the
      // re-run had reached its insert, and the test failed.)
      const blockedBy = async (blocker: number, statement: string | null, what: string) => {
        for (let polls = 0; ; polls++) {
          const { rows } = await watcher.query<{ pid: number }>(
            `select pid from pg_stat_activity
              where $1::int = any(pg_blocking_pids(pid)) and ($2::text is null or query ilike $2)`,
            [blocker, statement],
          );
          if (rows[0]) return rows[0].pid;
          if (deleted) throw new Error(`the workflow was deleted while ${what}`);
          if (polls > 400) throw new Error(`never ${what}`);
          await new Promise((r) => setTimeout(r, 25));
        }
      };
      const rerunPid = await blockedBy(holderPid, 'insert into "node_runs"%', 'the re-run waited');
      const deleting = t.api('admin', 'DELETE', '/workflows/racing').then((res) => {
        deleted = true;
        return res;
      });
      await blockedBy(rerunPid, null, 'the delete waited behind the re-run');
      expect(deleted).toBe(false);
      await holder.query('commit');
      const res = await started;
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect((await deleting).status).toBe(200);
      // The re-run started on the workflow before it went: it reads as a run of it.
      expect((await getRun(t, res.body.workflowRun.identifier)).workflow.identifier).toBe('racing');
    } finally {
      await holder.query('rollback').catch(() => undefined);
      holder.release();
      watcher.release();
    }
  });

  it('lists in reruns only the re-runs the reader may view', async () => {
    const own = await startRun(t, 'private', 'member');
    const res = await rerun(own.identifier, {}, 'admin');
    expect(res.status).toBe(201);
    const byAdmin = res.body.workflowRun.identifier as string;
    expect((await getRun(t, own.identifier, 'admin')).reruns).toEqual([byAdmin]);
    expect((await getRun(t, own.identifier, 'member')).reruns).toEqual([]);
  });

  it('refuses a member who did not start the run with 403 and hides a private run with 404', async () => {
    const run = await startRun(t, 'linear', 'admin');
    const res = await rerun(run.identifier, {}, 'member');
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('forbidden');
    const hidden = await startRun(t, 'private', 'admin');
    expect((await rerun(hidden.identifier, {}, 'member')).status).toBe(404);
    expect((await getRun(t, run.identifier)).reruns).toEqual([]);
  });

  it('logs who re-ran it before the error of a node whose template fails at once', async () => {
    const created = await t.api('admin', 'POST', '/workflows', {
      identifier: 'rerun-template',
      title: 'Re-run a broken template',
      nodes: [
        { identifier: 'trigger', config: { type: 'SELF_SERVE_TRIGGER', userInputs: {} } },
        {
          identifier: 'agent',
          config: {
            type: 'INTEGRATION_ACTION',
            installationId: 'gitlab-1',
            integrationProvider: 'gitlab',
            integrationInvocationType: 'dispatch_workflow',
            integrationActionExecutionProperties: { ref: '{{ .inputs.missing }}' },
          },
        },
      ],
      connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'agent' }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const original = await startRun(t, 'rerun-template', 'admin');
    const res = await rerun(original.identifier, { fromNode: 'agent', reason: 'again' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const copy = await getRun(t, res.body.workflowRun.identifier);
    expect(copy.result).toBe('FAILED');
    const lines = await nodeLogs(nodeRunOf(copy, 'agent').identifier);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^Re-run of ${original.identifier} from node agent by Avery Admin .*: again$`),
    );
    expect(lines[1]).toMatch(/^Template error in node "agent"/);
  });
});

describe('POST /v1/actions/runs/{id}/complete', () => {
  beforeAll(async () => seedActionCatalog(t));

  const completeAction = (id: string, body: unknown, as: As = 'member', query = '') =>
    t.api(as, 'POST', `/actions/runs/${id}/complete${query}`, body);

  it('ends the starter’s run with the status and label, a log line and an audit entry with the reason', async () => {
    const id = await startRunAs(t);
    const res = await completeAction(
      id,
      { status: 'FAILURE', statusLabel: 'Backend died', reason: 'pod evicted' },
      'member',
      '?version=v2',
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.run).toMatchObject({
      id,
      status: 'FAILURE',
      statusLabel: 'Backend died',
      updatedBy: 'user_member',
      action: { identifier: 'create_microservice' },
    });
    expect(res.body.run.endedAt).not.toBeNull();
    const logs = await t.api('member', 'GET', `/actions/runs/${id}/logs`);
    expect(logs.body.runLogs.map((l: { message: string }) => l.message)).toEqual([
      'Marked FAILURE by Morgan Member (member@runboard.dev): pod evicted',
    ]);
    const audits = (await auditOf(id)).filter((e) => e.action === 'UPDATE');
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      resourceType: 'run',
      trigger: { by: { userId: 'user_member' } },
      context: { runId: id },
      diff: {
        before: { status: 'IN_PROGRESS', statusLabel: null },
        after: { status: 'FAILURE', statusLabel: 'Backend died', reason: 'pod evicted' },
      },
    });
  });

  it('refuses an ended run with 422 saying when and by whom it finished', async () => {
    const id = await startRunAs(t);
    const patched = await t.api(
      'anonymous',
      'PATCH',
      `/actions/runs/${id}`,
      { status: 'SUCCESS' },
      machine,
    );
    expect(patched.status).toBe(200);
    const res = await completeAction(id, { status: 'FAILURE', reason: 'late' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      error: 'run_exhausted',
      message: `Action run "${id}" already finished (SUCCESS) at ${patched.body.run.endedAt} by backend@runboard.dev; an ended run cannot be changed`,
    });
  });

  it('refuses members who did not start the run with 403, and a missing reason with 422', async () => {
    const id = await startRunAs(t, undefined, undefined, 'admin');
    const res = await completeAction(id, { status: 'SUCCESS', reason: 'x' });
    expect(res.status).toBe(403);
    expect(res.body.message).toContain('Only admins and the user who started');
    const missing = await completeAction(id, { status: 'SUCCESS' }, 'admin');
    expect(missing.status).toBe(422);
    expect(missing.body.message).toContain('body.reason');
    expect((await completeAction(id, { status: 'SUCCESS', reason: 'ok' }, 'admin')).status).toBe(
      200,
    );
  });

  it('refuses a member ending another user’s action run by PATCH or by a terminating log', async () => {
    const id = await startRunAs(t, 'create_microservice', undefined, 'admin');
    const patch = await t.api('member', 'PATCH', `/actions/runs/${id}`, { status: 'SUCCESS' });
    expect(patch.status).toBe(403);
    const log = await t.api('member', 'POST', `/actions/runs/${id}/logs`, {
      message: 'done',
      terminationStatus: 'FAILURE',
    });
    expect(log.status).toBe(403);
    const after = await t.api('admin', 'GET', `/actions/runs/${id}`);
    expect(after.body.run.status).toBe('IN_PROGRESS');
  });

  it('keeps Port’s rule for synchronized runs', async () => {
    const id = await startRunAs(t, 'synced', { properties: {} });
    const res = await completeAction(id, { status: 'SUCCESS', reason: 'x' });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('run_synchronized_error');
  });
});

describe('the OpenAPI document', () => {
  it('describes the run controls, with optional bodies for cancel and re-run', async () => {
    const { body } = await t.api('anonymous', 'GET', '/openapi.json');
    const paths = body.paths as Record<
      string,
      Record<string, { requestBody?: { required: boolean } }>
    >;
    expect(paths['/v1/workflows/runs/{wfr}/complete']?.post?.requestBody?.required).toBe(true);
    expect(paths['/v1/workflows/runs/{wfr}/cancel']?.post?.requestBody?.required).toBe(false);
    expect(paths['/v1/workflows/runs/{wfr}/rerun']?.post?.requestBody?.required).toBe(false);
    expect(paths['/v1/actions/runs/{id}/complete']?.post?.requestBody?.required).toBe(true);
  });
});
