import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine, WorkflowRun } from '../../contract/workflows';
import { startTestServer, type TestServer } from '../test/harness';
import {
  completeNode,
  createLinearWorkflow,
  createWorkflow,
  getRun,
  nodeRunOf,
  patchNode,
  startRun,
  unknownId,
  workflowBody,
} from '../test/workflow-fixtures';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await createLinearWorkflow(t, 'logs');
});
afterAll(async () => t.close());

interface Page {
  logs: LogLine[];
  nextCursor: string | null;
  total: number;
}

async function nodeLogs(nodeRun: string, query = ''): Promise<Page> {
  const res = await t.api('admin', 'GET', `/workflows/nodes/runs/${nodeRun}/logs?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Page;
}

async function runLogs(run: string, query = ''): Promise<Page> {
  const res = await t.api('admin', 'GET', `/workflows/runs/${run}/logs?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Page;
}

async function postLogs(nodeRun: string, lines: [string, string][]) {
  return t.api('admin', 'POST', `/workflows/nodes/runs/${nodeRun}/logs`, {
    logs: lines.map(([level, message]) => ({ level, message })),
  });
}

async function freshNodeRun(): Promise<{ run: WorkflowRun; work: string }> {
  const run = await startRun(t, 'logs');
  return { run, work: nodeRunOf(run, 'work').identifier };
}

const texts = (page: Page) => page.logs.map((l) => l.log);

describe('appending log lines', () => {
  it('appends PATCH lines in order with their tags and counts them per level', async () => {
    const { run, work } = await freshNodeRun();
    const res = await patchNode(t, work, {
      logs: [
        { logLevel: 'INFO', log: 'Cloning', tags: { step: 'checkout' } },
        { logLevel: 'DEBUG', log: 'ref=main' },
        { logLevel: 'WARN', log: 'slow mirror' },
      ],
    });
    expect(res.status).toBe(200);
    await patchNode(t, work, { logs: [{ logLevel: 'ERROR', log: 'failed once' }] });
    const page = await nodeLogs(work);
    expect(
      page.logs.map(({ seq, logLevel, log, tags, nodeRunIdentifier }) => ({
        seq,
        logLevel,
        log,
        tags,
        nodeRunIdentifier,
      })),
    ).toEqual([
      {
        seq: 1,
        logLevel: 'INFO',
        log: 'Cloning',
        tags: { step: 'checkout' },
        nodeRunIdentifier: work,
      },
      { seq: 2, logLevel: 'DEBUG', log: 'ref=main', tags: {}, nodeRunIdentifier: work },
      { seq: 3, logLevel: 'WARN', log: 'slow mirror', tags: {}, nodeRunIdentifier: work },
      { seq: 4, logLevel: 'ERROR', log: 'failed once', tags: {}, nodeRunIdentifier: work },
    ]);
    expect(page.total).toBe(4);
    expect(nodeRunOf(await getRun(t, run.identifier), 'work').logCounts).toEqual({
      DEBUG: 1,
      INFO: 1,
      WARN: 1,
      ERROR: 1,
    });
  });

  it('appends POSTed lines after PATCHed ones and answers 201', async () => {
    const { work } = await freshNodeRun();
    await patchNode(t, work, { logs: [{ logLevel: 'INFO', log: 'from patch' }] });
    const res = await postLogs(work, [
      ['INFO', 'from post 1'],
      ['ERROR', 'from post 2'],
    ]);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ ok: true });
    const page = await nodeLogs(work);
    expect(texts(page)).toEqual(['from patch', 'from post 1', 'from post 2']);
    expect(page.logs.map((l) => l.seq)).toEqual([1, 2, 3]);
  });

  it('keeps text exactly as sent, markup included', async () => {
    const { work } = await freshNodeRun();
    const line = '<b>bold</b> & "quoted" \t tab ✓ ünïcode';
    await postLogs(work, [['INFO', line]]);
    expect(texts(await nodeLogs(work))).toEqual([line]);
  });

  it('stores a batch of 10 000 lines in one request and returns them in one page', async () => {
    const { work } = await freshNodeRun();
    const lines = Array.from({ length: 10_000 }, (_, i): [string, string] => ['INFO', `line ${i}`]);
    expect((await postLogs(work, lines)).status).toBe(201);
    const page = await nodeLogs(work, 'limit=10000');
    expect(page.logs).toHaveLength(10_000);
    expect(page.logs[9_999]).toMatchObject({ seq: 10_000, log: 'line 9999' });
  });

  it.each([
    ['no lines', { logs: [] }, 'body.logs'],
    ['a wrong level', { logs: [{ level: 'LOUD', message: 'x' }] }, 'body.logs.0.level'],
    ['no message', { logs: [{ level: 'INFO' }] }, 'body.logs.0.message'],
    ['Port’s PATCH spelling', { logs: [{ logLevel: 'INFO', log: 'x' }] }, 'body.logs.0'],
    ['an unknown field', { logs: [{ level: 'INFO', message: 'x' }], extra: 1 }, '"extra"'],
  ])('rejects a log POST with %s with 422 naming the field', async (_name, body, field) => {
    const { work } = await freshNodeRun();
    const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${work}/logs`, body);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.message).toContain(field);
    expect((await nodeLogs(work)).logs).toEqual([]);
  });

  it('rejects text holding U+0000 with 422 naming the field instead of failing the write', async () => {
    const { run, work } = await freshNodeRun();
    for (const [body, field] of [
      [
        {
          logs: [
            { logLevel: 'INFO', log: 'ok' },
            { logLevel: 'INFO', log: 'a\u0000b' },
          ],
        },
        'body.logs.1.log',
      ],
      [
        { logs: [{ logLevel: 'INFO', log: 'ok', tags: { 'k\u0000': 'v' } }] },
        'body.logs.0.tags.k\u0000',
      ],
      [{ output: { nested: ['fine', 'bad\u0000'] } }, 'body.output.nested.1'],
    ] as const) {
      const res = await patchNode(t, work, body);
      expect(res.status).toBe(422);
      expect(res.body.message).toBe(
        `${field}: must not contain the character U+0000 (NUL), which cannot be stored`,
      );
    }
    const posted = await postLogs(work, [['INFO', '\u0000']]);
    expect(posted.status).toBe(422);
    const started = await t.api('admin', 'POST', '/workflows/logs/runs', {
      inputs: { a: '\u0000' },
    });
    expect(started.status).toBe(422);
    expect(started.body.message).toMatch(/^body\.inputs\.a: must not contain/);
    const search = await t.api('admin', 'GET', `/workflows/nodes/runs/${work}/logs?q=%00`);
    expect(search.status).toBe(422);
    expect(search.body.message).toMatch(/^query\.q: must not contain/);
    expect(nodeRunOf(await getRun(t, run.identifier), 'work')).toMatchObject({
      output: {},
      logCounts: { DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0 },
    });
  });

  it('answers 404 for an unknown node run and 422 for a malformed one', async () => {
    expect((await postLogs(unknownId('wfnr_'), [['INFO', 'x']])).status).toBe(404);
    const malformed = await postLogs('wfnr_nope', [['INFO', 'x']]);
    expect(malformed.status).toBe(422);
    expect(malformed.body.message).toMatch(/path\.wfnr/);
  });
});

describe('reading log lines', () => {
  let run: WorkflowRun;
  let work: string;
  beforeAll(async () => {
    ({ run, work } = await freshNodeRun());
    await postLogs(work, [
      ['INFO', 'Starting deploy'],
      ['DEBUG', 'env=PROD'],
      ['WARN', 'disk 95% full'],
      ['ERROR', 'DEPLOY failed'],
      ['INFO', 'retrying deploy'],
      ['INFO', 'file_name.txt written'],
      ['INFO', 'filexname.txt written'],
    ]);
  });

  it('filters by one level and by several, in both array spellings', async () => {
    expect(texts(await nodeLogs(work, 'level=WARN'))).toEqual(['disk 95% full']);
    const several = await nodeLogs(work, 'level=WARN&level=ERROR');
    expect(texts(several)).toEqual(['disk 95% full', 'DEPLOY failed']);
    expect(several.total).toBe(2);
    expect(texts(await nodeLogs(work, 'level[]=DEBUG&level[]=ERROR'))).toEqual([
      'env=PROD',
      'DEPLOY failed',
    ]);
    expect((await nodeLogs(work, 'level=ERROR')).logs[0]!.seq).toBe(4);
  });

  it('searches case-insensitively for a substring', async () => {
    const page = await nodeLogs(work, 'q=deploy');
    expect(texts(page)).toEqual(['Starting deploy', 'DEPLOY failed', 'retrying deploy']);
    expect(page.total).toBe(3);
    expect(texts(await nodeLogs(work, 'q=deploy&level=INFO'))).toEqual([
      'Starting deploy',
      'retrying deploy',
    ]);
  });

  it('pages a search by cursor and by tail, with the same total on every page', async () => {
    const first = await nodeLogs(work, 'q=deploy&limit=2');
    expect(texts(first)).toEqual(['Starting deploy', 'DEPLOY failed']);
    expect(first.total).toBe(3);
    const second = await nodeLogs(work, `q=deploy&limit=2&cursor=${first.nextCursor}`);
    expect(texts(second)).toEqual(['retrying deploy']);
    expect(second.total).toBe(3);
    const tail = await nodeLogs(work, 'q=deploy&limit=2&tail=true');
    expect(texts(tail)).toEqual(['DEPLOY failed', 'retrying deploy']);
    expect(tail.nextCursor).toBe(String(tail.logs[1]!.seq));
    const runWide = await runLogs(run.identifier, 'q=DEPLOY&limit=1');
    expect(texts(runWide)).toEqual(['Starting deploy']);
    expect(runWide.total).toBe(3);
    expect(runWide.logs[0]!.nodeRunIdentifier).toBe(work);
    expect(texts(await runLogs(run.identifier, `q=deploy&cursor=${runWide.nextCursor}`))).toEqual([
      'DEPLOY failed',
      'retrying deploy',
    ]);
    const none = await nodeLogs(work, 'q=nowhere');
    expect(none).toMatchObject({ logs: [], total: 0 });
  });

  it('treats % and _ in q as literal characters', async () => {
    expect(texts(await nodeLogs(work, `q=${encodeURIComponent('95%')}`))).toEqual([
      'disk 95% full',
    ]);
    expect(texts(await nodeLogs(work, `q=${encodeURIComponent('%')}`))).toEqual(['disk 95% full']);
    expect(texts(await nodeLogs(work, 'q=file_name'))).toEqual(['file_name.txt written']);
    expect(texts(await nodeLogs(work, `q=${encodeURIComponent('\\')}`))).toEqual([]);
  });

  it('pages with limit and cursor, each line once', async () => {
    const first = await nodeLogs(work, 'limit=3');
    expect(first.logs.map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(first.nextCursor).not.toBeNull();
    const second = await nodeLogs(work, `limit=3&cursor=${first.nextCursor}`);
    expect(second.logs.map((l) => l.seq)).toEqual([4, 5, 6]);
    const third = await nodeLogs(work, `limit=3&cursor=${second.nextCursor}`);
    expect(third.logs.map((l) => l.seq)).toEqual([7]);
  });

  it('returns the last lines, in order, with tail=true', async () => {
    const page = await nodeLogs(work, 'tail=true&limit=2');
    expect(page.logs.map((l) => l.seq)).toEqual([6, 7]);
    expect(page.nextCursor).toBe('7');
    expect(texts(await nodeLogs(work, 'tail=true&limit=2&level=WARN&level=ERROR'))).toEqual([
      'disk 95% full',
      'DEPLOY failed',
    ]);
  });

  it('reads the lines of every node run of a run in order', async () => {
    const page = await runLogs(run.identifier);
    expect(page.logs).toHaveLength(7);
    expect(page.logs.every((l) => l.nodeRunIdentifier === work)).toBe(true);
    expect(texts(await runLogs(run.identifier, 'level=ERROR'))).toEqual(['DEPLOY failed']);
  });

  it.each([
    ['limit=10001', 'query.limit'],
    ['limit=0', 'query.limit'],
    ['level=LOUD', 'query.level'],
    ['cursor=abc', 'cursor'],
    ['cursor=-1', 'cursor'],
    ['tail=yes', 'query.tail'],
  ])('rejects %s with 422 naming the parameter', async (query, field) => {
    for (const path of [
      `/workflows/nodes/runs/${work}/logs?${query}`,
      `/workflows/runs/${run.identifier}/logs?${query}`,
    ]) {
      const res = await t.api('admin', 'GET', path);
      expect(res.status, path).toBe(422);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.message).toContain(field);
    }
  });

  it('answers 404 for unknown node runs and runs, 422 for malformed ids', async () => {
    expect(
      (await t.api('admin', 'GET', `/workflows/nodes/runs/${unknownId('wfnr_')}/logs`)).status,
    ).toBe(404);
    expect((await t.api('admin', 'GET', `/workflows/runs/${unknownId('wfr_')}/logs`)).status).toBe(
      404,
    );
    expect((await t.api('admin', 'GET', '/workflows/nodes/runs/wfnr_x/logs')).status).toBe(422);
    expect((await t.api('admin', 'GET', '/workflows/runs/wfr_x/logs')).status).toBe(422);
  });
});

describe('nextCursor', () => {
  it('stays set while the node run is in progress and resumes after the last line seen', async () => {
    const { work } = await freshNodeRun();
    const empty = await nodeLogs(work);
    expect(empty.logs).toEqual([]);
    expect(empty.nextCursor).toBe('0');
    await postLogs(work, [
      ['INFO', 'one'],
      ['INFO', 'two'],
    ]);
    const first = await nodeLogs(work, `cursor=${empty.nextCursor}`);
    expect(texts(first)).toEqual(['one', 'two']);
    expect(first.nextCursor).toBe('2');
    const idle = await nodeLogs(work, `cursor=${first.nextCursor}`);
    expect(idle.logs).toEqual([]);
    expect(idle.nextCursor).toBe('2');
    await postLogs(work, [['INFO', 'three']]);
    expect(texts(await nodeLogs(work, `cursor=${idle.nextCursor}`))).toEqual(['three']);
  });

  it('is null once the node run has completed and the page is short', async () => {
    const { work } = await freshNodeRun();
    await postLogs(work, [
      ['INFO', 'one'],
      ['INFO', 'two'],
    ]);
    await completeNode(t, work);
    expect((await nodeLogs(work)).nextCursor).toBeNull();
    const full = await nodeLogs(work, 'limit=2');
    expect(full.nextCursor).toBe('2');
    const rest = await nodeLogs(work, `limit=2&cursor=${full.nextCursor}`);
    expect(rest.logs).toEqual([]);
    expect(rest.nextCursor).toBeNull();
  });

  it('is null for a completed node run read with tail=true', async () => {
    const { work } = await freshNodeRun();
    await postLogs(work, [
      ['INFO', 'one'],
      ['INFO', 'two'],
    ]);
    await completeNode(t, work);
    expect((await nodeLogs(work, 'tail=true&limit=1')).nextCursor).toBeNull();
  });

  it('stays set on run logs until the whole run has completed', async () => {
    await createWorkflow(
      t,
      workflowBody(
        'two-steps',
        ['trigger', 'a', 'b'],
        [
          ['trigger', 'a'],
          ['a', 'b'],
        ],
      ),
    );
    const run = await startRun(t, 'two-steps');
    const a = nodeRunOf(run, 'a').identifier;
    await postLogs(a, [['INFO', 'a1']]);
    await completeNode(t, a);
    const b = nodeRunOf(await getRun(t, run.identifier), 'b').identifier;
    expect((await nodeLogs(a)).nextCursor).toBeNull();
    const mid = await runLogs(run.identifier);
    expect(texts(mid)).toEqual(['a1']);
    expect(mid.nextCursor).toBe('1');
    await patchNode(t, b, {
      status: 'COMPLETED',
      result: 'SUCCESS',
      logs: [{ logLevel: 'INFO', log: 'b1' }],
    });
    const end = await runLogs(run.identifier, `cursor=${mid.nextCursor}`);
    expect(end.logs.map((l) => [l.seq, l.log, l.nodeRunIdentifier])).toEqual([[2, 'b1', b]]);
    expect(end.nextCursor).toBeNull();
  });
});

describe("concurrent appends — on a real PostgreSQL (every test run has one) this proves the run's row lock", () => {
  it('numbers lines from many concurrent requests 1..N without gaps or duplicates', async () => {
    const { run, work } = await freshNodeRun();
    const requests = 20;
    const perRequest = 25;
    const answers = await Promise.all(
      Array.from({ length: requests }, (_, r) =>
        r % 2
          ? postLogs(
              work,
              Array.from({ length: perRequest }, (_, i): [string, string] => ['INFO', `${r}:${i}`]),
            )
          : patchNode(t, work, {
              logs: Array.from({ length: perRequest }, (_, i) => ({
                logLevel: 'INFO',
                log: `${r}:${i}`,
              })),
            }),
      ),
    );
    expect(answers.every((a) => a.status === 200 || a.status === 201)).toBe(true);
    const page = await nodeLogs(work, 'limit=10000');
    const n = requests * perRequest;
    expect(page.logs.map((l) => l.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(new Set(texts(page)).size).toBe(n);
    // Each request's lines stay together and in order.
    for (let r = 0; r < requests; r++) {
      const at = texts(page).indexOf(`${r}:0`);
      expect(texts(page).slice(at, at + perRequest)).toEqual(
        Array.from({ length: perRequest }, (_, i) => `${r}:${i}`),
      );
    }
    expect((await runLogs(run.identifier, 'limit=10000')).logs.map((l) => l.seq)).toEqual(
      Array.from({ length: n }, (_, i) => i + 1),
    );
  });

  it('lets a reader paging by cursor see every line exactly once while a writer appends', async () => {
    await createWorkflow(
      t,
      workflowBody(
        'parallel-logs',
        ['trigger', 'a', 'b'],
        [
          ['trigger', 'a'],
          ['trigger', 'b'],
        ],
      ),
    );
    const run = await startRun(t, 'parallel-logs');
    const a = nodeRunOf(run, 'a').identifier;
    const b = nodeRunOf(run, 'b').identifier;
    const batches = 30;
    const written: Record<string, string[]> = { [a]: [], [b]: [] };

    const writer = (async () => {
      for (let i = 0; i < batches; i++) {
        const lines = Array.from({ length: 1 + (i % 4) }, (_, j) => `batch ${i} line ${j}`);
        await Promise.all(
          [a, b].map(async (node) => {
            written[node]!.push(...lines);
            const res = await postLogs(
              node,
              lines.map((l): [string, string] => ['INFO', l]),
            );
            expect(res.status).toBe(201);
          }),
        );
      }
      await completeNode(t, a);
      await completeNode(t, b);
    })();

    const read = async (path: string) => {
      const seen: LogLine[] = [];
      let cursor: string | null = '0';
      while (cursor !== null) {
        const res = await t.api('admin', 'GET', `${path}?limit=7&cursor=${cursor}`);
        expect(res.status).toBe(200);
        seen.push(...(res.body.logs as LogLine[]));
        cursor = res.body.nextCursor;
      }
      return seen;
    };
    const [, nodeSeen, runSeen] = await Promise.all([
      writer,
      read(`/workflows/nodes/runs/${a}/logs`),
      read(`/workflows/runs/${run.identifier}/logs`),
    ]);

    expect(nodeSeen.map((l) => l.log)).toEqual(written[a]);
    expect(nodeSeen.map((l) => l.seq)).toEqual(nodeSeen.map((_, i) => i + 1));
    expect(runSeen.map((l) => l.seq)).toEqual(runSeen.map((_, i) => i + 1));
    for (const node of [a, b]) {
      expect(runSeen.filter((l) => l.nodeRunIdentifier === node).map((l) => l.log)).toEqual(
        written[node],
      );
    }
  });
});
