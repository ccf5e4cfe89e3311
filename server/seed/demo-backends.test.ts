import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WorkflowRun } from '../../contract/workflows';
import { startTestServer, type TestServer } from '../test/harness';
import { nodeRunOf } from '../test/workflow-fixtures';
import { ECHO_ACTION, ECHO_BLUEPRINT, ECHO_WORKFLOW, seedDemoBackends } from './demo-backends';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ backends: { pollMs: 100 } });
});
afterAll(() => t.close());

describe('demo backends', () => {
  it('seeds the echo workflow and action once, pointing at this server only', async () => {
    const now = new Date();
    const first = await seedDemoBackends(t.database.db, { baseUrl: t.baseUrl, now });
    expect(first).toEqual([
      `blueprint ${ECHO_BLUEPRINT}`,
      'blueprint data_quality_report',
      `workflow ${ECHO_WORKFLOW}`,
      `action ${ECHO_ACTION}`,
    ]);
    expect(await seedDemoBackends(t.database.db, { baseUrl: t.baseUrl, now })).toEqual([]);
    const wf = await t.api('admin', 'GET', `/workflows/${ECHO_WORKFLOW}`);
    const urls = (wf.body.workflow.nodes as { config: { url?: string } }[]).flatMap((n) =>
      n.config.url ? [n.config.url] : [],
    );
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url.startsWith(`${t.baseUrl}/demo-backend/`)).toBe(true);
  });

  it('runs the echo workflow to completion through the hosted echo backend', async () => {
    const start = await t.api('member', 'POST', `/workflows/${ECHO_WORKFLOW}/runs`, {
      inputs: { message: 'ping' },
    });
    expect(start.status).toBe(201);
    const run = await vi.waitFor(
      async () => {
        const res = await t.api(
          'admin',
          'GET',
          `/workflows/runs/${start.body.workflowRun.identifier}`,
        );
        const r = res.body.workflowRun as WorkflowRun;
        if (r.status !== 'COMPLETED') throw new Error(JSON.stringify(r.nodeRuns));
        return r;
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(run.result).toBe('SUCCESS');
    expect(nodeRunOf(run, 'echo').output).toMatchObject({ echo: { message: 'ping' } });
    expect(nodeRunOf(run, 'callback').output).toEqual({ echo: { message: 'ping' } });
    const entity = await t.api(
      'admin',
      'GET',
      `/blueprints/${ECHO_BLUEPRINT}/entities/latest-echo`,
    );
    expect(entity.body.entity.properties).toEqual({ message: 'ping' });
  });

  it('ends the echo action run from the hosted backend report', async () => {
    const start = await t.api('member', 'POST', `/actions/${ECHO_ACTION}/runs`, {
      properties: { message: 'pong' },
    });
    expect(start.status).toBe(202);
    const id = start.body.run.id as string;
    const status = await vi.waitFor(
      async () => {
        const res = await t.api('admin', 'GET', `/actions/runs/${id}`);
        if (res.body.run.status === 'IN_PROGRESS') throw new Error('still running');
        return res.body.run.status as string;
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(status).toBe('SUCCESS');
    const logs = await t.api('admin', 'GET', `/actions/runs/${id}/logs`);
    expect(logs.body.runLogs.map((l: { message: string }) => l.message)).toContain(
      'Echo backend: request received and verified',
    );
  });
});
