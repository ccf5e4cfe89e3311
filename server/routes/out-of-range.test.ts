import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness';
import { createLinearWorkflow, nodeRunOf, startRun } from '../test/workflow-fixtures';

let t: TestServer;
let nodeRunId: string;
beforeAll(async () => {
  t = await startTestServer();
  await createLinearWorkflow(t, 'ranges');
  nodeRunId = nodeRunOf(await startRun(t, 'ranges'), 'work').identifier;
});
afterAll(async () => t.close());

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('values this server never hands out get 422, never 500', () => {
  it.each([
    [
      'a run-list cursor whose time is not the exact form handed out',
      `/workflows/runs?cursor=${cursorOf({ t: '1', k: 'x' })}`,
    ],
    [
      'an action-run list cursor whose key holds U+0000',
      `/actions/runs?cursor=${cursorOf({ t: '2026-01-01T00:00:00.000000Z', k: 'a\u0000' })}`,
    ],
    [
      'an audit cursor whose key is not a whole number',
      `/audit-log?cursor=${cursorOf({ t: '2026-01-01T00:00:00.000000Z', k: -1.5 })}`,
    ],
    ['a log cursor past a PostgreSQL integer', `/workflows/nodes/runs/NODE/logs?cursor=9999999999`],
    [
      'a workflow version past a PostgreSQL integer',
      '/workflows/runs?workflowVersions=99999999999',
    ],
    ['an offset past a PostgreSQL integer', '/workflows/runs?offset=99999999999'],
  ])('%s', async (_what, path) => {
    const res = await t.api('admin', 'GET', path.replace('NODE', nodeRunId));
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body).toMatchObject({ ok: false, error: 'invalid_request' });
  });
});
