import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleToken, startTestServer, type TestServer } from '../test/harness';
import {
  createLinearWorkflow,
  createWorkflow,
  nodeRunOf,
  patchNode,
  startRun,
  workflowBody,
} from '../test/workflow-fixtures';
import { seedActionCatalog, startRunAs } from './action-runs.fixtures';

let t: TestServer;
let adminAuth: string;
let memberAuth: string;
beforeAll(async () => {
  t = await startTestServer();
  await createLinearWorkflow(t, 'dl');
  await createLinearWorkflow(t, 'dl_private', { allowAnyoneToViewRuns: false });
  await createWorkflow(
    t,
    workflowBody(
      'dl_two',
      ['trigger', 'build', 'deploy'],
      [
        ['trigger', 'build'],
        ['build', 'deploy'],
      ],
    ),
  );
  adminAuth = await roleToken(t.baseUrl, 'admin');
  memberAuth = await roleToken(t.baseUrl, 'member');
});
afterAll(async () => t.close());

async function download(path: string, auth: string | null = adminAuth) {
  const res = await fetch(
    `${t.baseUrl}/v1${path}`,
    auth ? { headers: { authorization: auth } } : {},
  );
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const linesOf = (text: string) => text.split('\n').slice(0, -1);

async function postLines(nodeRun: string, lines: { level: string; message: string }[]) {
  const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${nodeRun}/logs`, {
    logs: lines,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function nodeRunWith(lines: { level: string; message: string }[], workflow = 'dl') {
  const run = await startRun(t, workflow);
  const work = nodeRunOf(run, 'work').identifier;
  if (lines.length) await postLines(work, lines);
  return { run, work };
}

describe('log downloads', () => {
  // 20 appends of 10 000 lines: ~20 s on a quiet machine, more on a shared one.
  it('streams all 200 000 lines of a node run as an attachment, in order', async () => {
    const { work } = await nodeRunWith([]);
    const BATCH = 10_000;
    for (let b = 0; b < 20; b++) {
      await postLines(
        work,
        Array.from({ length: BATCH }, (_, i) => ({
          level: (b * BATCH + i) % 100 === 0 ? 'ERROR' : 'INFO',
          message: `line ${b * BATCH + i + 1}`,
        })),
      );
    }
    const res = await download(`/workflows/nodes/runs/${work}/logs/download`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${work}.log"`);
    const lines = linesOf(res.text);
    expect(lines).toHaveLength(200_000);
    expect(lines[0]).toMatch(/^1 {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}ERROR {2}line 1$/);
    expect(lines[199_999]).toMatch(/^200000 {2}.* {2}INFO {2}line 200000$/);
    const seqs = lines.map((l) => Number(l.split('  ')[0]));
    expect(seqs.every((s, i) => s === i + 1)).toBe(true);

    const errors = await download(`/workflows/nodes/runs/${work}/logs/download?level=ERROR`);
    expect(errors.headers.get('content-disposition')).toBe(
      `attachment; filename="${work}-filtered.log"`,
    );
    const errorLines = linesOf(errors.text);
    expect(errorLines).toHaveLength(2000);
    expect(errorLines[1]).toMatch(/^101 {2}.* {2}ERROR {2}line 101$/);
  }, 180_000);

  it('keeps only lines at the chosen levels that contain the search, with their own numbers', async () => {
    const { work } = await nodeRunWith([
      { level: 'INFO', message: 'fetching deps' },
      { level: 'WARN', message: 'Deps slow' },
      { level: 'ERROR', message: 'deps failed' },
      { level: 'ERROR', message: 'disk full' },
    ]);
    const res = await download(
      `/workflows/nodes/runs/${work}/logs/download?level=WARN&level=ERROR&q=DEPS`,
    );
    expect(linesOf(res.text).map((l) => l.split('  ').filter((_, i) => i !== 1))).toEqual([
      ['2', 'WARN', 'Deps slow'],
      ['3', 'ERROR', 'deps failed'],
    ]);
  });

  it("downloads a run's lines in run order, each naming its node", async () => {
    const run = await startRun(t, 'dl_two');
    const build = nodeRunOf(run, 'build').identifier;
    await postLines(build, [{ level: 'INFO', message: 'compiling' }]);
    await patchNode(t, build, {
      status: 'COMPLETED',
      result: 'SUCCESS',
      logs: [{ logLevel: 'INFO', log: 'built', tags: { step: 'pack' } }],
    });
    const after = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}`);
    const deploy = nodeRunOf(after.body.workflowRun, 'deploy').identifier;
    await postLines(deploy, [{ level: 'WARN', message: 'rolling out' }]);
    const res = await download(`/workflows/runs/${run.identifier}/logs/download`);
    expect(res.status).toBe(200);
    const lines = linesOf(res.text).map((l) => l.split('  ').filter((_, i) => i !== 1));
    expect(lines.slice(-3)).toEqual([
      [expect.any(String), 'INFO', '[Node build]', 'compiling'],
      [expect.any(String), 'INFO', '[Node build]', 'built', 'step=pack'],
      [expect.any(String), 'WARN', '[Node deploy]', 'rolling out'],
    ]);
  });

  it('removes colour codes and searches the text a person sees', async () => {
    const { work } = await nodeRunWith([
      { level: 'INFO', message: '\u001b[32mPASS\u001b[0m unit tests' },
      { level: 'ERROR', message: '\u001b[1;31mFAIL\u001b[0m e2e tests' },
      { level: 'INFO', message: 'plain line' },
    ]);
    const all = linesOf((await download(`/workflows/nodes/runs/${work}/logs/download`)).text);
    expect(all.map((l) => l.split('  ').at(-1))).toEqual([
      'PASS unit tests',
      'FAIL e2e tests',
      'plain line',
    ]);
    // "31m" is inside a colour code, not in the text: no line matches, in downloads or pages.
    expect((await download(`/workflows/nodes/runs/${work}/logs/download?q=31m`)).text).toBe('');
    const page = await t.api('admin', 'GET', `/workflows/nodes/runs/${work}/logs?q=31m`);
    expect(page.body.total).toBe(0);
    const fail = await t.api('admin', 'GET', `/workflows/nodes/runs/${work}/logs?q=fail`);
    expect(fail.body.logs.map((l: { seq: number }) => l.seq)).toEqual([2]);
  });

  it("downloads an action run's log", async () => {
    await seedActionCatalog(t);
    const id = await startRunAs(t, 'create_microservice', undefined, 'admin');
    for (const [level, message] of [
      ['INFO', 'starting'],
      ['ERROR', 'boom'],
    ]) {
      const res = await t.api('admin', 'POST', `/actions/runs/${id}/logs`, { level, message });
      expect(res.status).toBe(201);
    }
    const all = await download(`/actions/runs/${id}/logs/download`);
    expect(all.status).toBe(200);
    expect(all.headers.get('content-disposition')).toBe(`attachment; filename="${id}.log"`);
    expect(linesOf(all.text).map((l) => l.split('  ').slice(2))).toEqual([
      ['INFO', 'starting'],
      ['ERROR', 'boom'],
    ]);
    const errors = await download(`/actions/runs/${id}/logs/download?level=ERROR`);
    expect(linesOf(errors.text)).toHaveLength(1);
  });
});

describe('who may download', () => {
  it('refuses a download without a token or ticket with 401', async () => {
    const { work } = await nodeRunWith([{ level: 'INFO', message: 'x' }]);
    const res = await download(`/workflows/nodes/runs/${work}/logs/download`, null);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toMatchObject({ ok: false, error: 'unauthorized' });
  });

  it('answers 404 for a run the user may not view, as for one that does not exist', async () => {
    const { run, work } = await nodeRunWith([{ level: 'INFO', message: 'x' }], 'dl_private');
    for (const path of [
      `/workflows/nodes/runs/${work}/logs/download`,
      `/workflows/runs/${run.identifier}/logs/download`,
      `/workflows/nodes/runs/wfnr_ZZZZZZZZZZZZZZZZ/logs/download`,
    ]) {
      const res = await download(path, memberAuth);
      expect(res.status, path).toBe(404);
      expect(JSON.parse(res.text)).toMatchObject({ ok: false, error: 'not_found' });
    }
  });

  it('opens a download with a ticket made for its path, and only that path', async () => {
    const { run, work } = await nodeRunWith([{ level: 'INFO', message: 'with a ticket' }]);
    const path = `/v1/workflows/nodes/runs/${work}/logs/download`;
    const made = await t.api('admin', 'POST', '/downloads/tickets', { path });
    expect(made.status).toBe(201);
    const ticket = encodeURIComponent(made.body.ticket as string);
    const ok = await download(`/workflows/nodes/runs/${work}/logs/download?ticket=${ticket}`, null);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('with a ticket');
    const other = await download(
      `/workflows/runs/${run.identifier}/logs/download?ticket=${ticket}`,
      null,
    );
    expect(other.status).toBe(401);
    // A ticket is not a token.
    const asToken = await download('/workflows/runs', `Bearer ${made.body.ticket}`);
    expect(asToken.status).toBe(401);
  });

  it('makes tickets only for download paths, and only for a signed-in user', async () => {
    const bad = await t.api('admin', 'POST', '/downloads/tickets', { path: '/v1/workflows/runs' });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toMatch(/path/);
    const anonymous = await t.api('anonymous', 'POST', '/downloads/tickets', {
      path: '/v1/workflows/runs/wfr_ZZZZZZZZZZZZZZZZ/logs/download',
    });
    expect(anonymous.status).toBe(401);
  });

  it('refuses a ticket once its user is deactivated', async () => {
    const { work } = await nodeRunWith([{ level: 'INFO', message: 'member ticket' }]);
    const path = `/v1/workflows/nodes/runs/${work}/logs/download`;
    const made = await t.api('member', 'POST', '/downloads/tickets', { path });
    expect(made.status).toBe(201);
    const link = `/workflows/nodes/runs/${work}/logs/download?ticket=${encodeURIComponent(made.body.ticket as string)}`;
    expect((await download(link, null)).status).toBe(200);
    const off = await t.api('admin', 'PATCH', '/users/user_member', { status: 'DISABLED' });
    expect(off.status).toBe(200);
    try {
      const refused = await download(link, null);
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.text)).toMatchObject({ ok: false, error: 'unauthorized' });
    } finally {
      await t.api('admin', 'PATCH', '/users/user_member', { status: 'ACTIVE' });
    }
  });
});
