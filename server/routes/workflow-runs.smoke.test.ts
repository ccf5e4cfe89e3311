import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

describe('workflow run smoke', () => {
  it('starts a run whose trigger completes at once and whose successor starts', async () => {
    const created = await t.api('admin', 'POST', '/workflows', {
      identifier: 'smoke',
      title: 'Smoke',
      nodes: [
        { identifier: 'trigger', config: { type: 'SELF_SERVE_TRIGGER' } },
        { identifier: 'work', config: { type: 'WEBHOOK' } },
      ],
      connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'work' }],
    });
    expect(created.status).toBe(201);
    const run = await t.api('member', 'POST', '/workflows/smoke/runs', { inputs: { a: 1 } });
    expect(run.status).toBe(201);
    const nodeRuns = run.body.workflowRun.nodeRuns;
    expect(
      nodeRuns.map((n: { nodeIdentifier: string; status: string }) => [n.nodeIdentifier, n.status]),
    ).toEqual([
      ['trigger', 'COMPLETED'],
      ['work', 'IN_PROGRESS'],
    ]);
    expect(run.body.workflowRun.variables.outputs.trigger).toEqual({ a: 1 });
  });
});
