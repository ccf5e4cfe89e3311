import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness';
import { until } from '../test/until';
import { DEFAULT_BACKEND_OPTIONS, startDispatcher, type Dispatcher } from './dispatcher';

/**
 * A slow or dead backend never delays another backend's work: each host gets at most
 * `hostConcurrency` requests in flight, counted in the database across servers, so the other
 * slots keep serving other hosts. Real HTTP receivers on loopback ports (each port is a host).
 */

/** A backend that answers 200 `{}` at once, or, when `hang`, never answers. */
async function startReceiver(hang: boolean) {
  const received: string[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      received.push((JSON.parse(raw) as { context: { nodeRunId: string } }).context.nodeRunId);
      if (hang) held.push(res);
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => {
      held.forEach((r) => r.destroy());
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const BACKENDS = {
  concurrency: 4,
  hostConcurrency: 2,
  // Far longer than the test waits: a hung request holds its slot throughout.
  timeoutMs: 300_000,
  graceMs: 100,
};

let t: TestServer;
let dead: Awaited<ReturnType<typeof startReceiver>>;
let healthy: Awaited<ReturnType<typeof startReceiver>>;
let second: Dispatcher | null = null;

beforeAll(async () => {
  t = await startTestServer({ backends: BACKENDS });
  dead = await startReceiver(true);
  healthy = await startReceiver(false);
  for (const [identifier, url] of [
    ['to-dead', dead.url],
    ['to-healthy', healthy.url],
  ] as const) {
    const res = await t.api('admin', 'POST', '/workflows', {
      identifier,
      title: identifier,
      nodes: [
        { identifier: 'trigger', config: { type: 'SELF_SERVE_TRIGGER' } },
        { identifier: 'call', config: { type: 'WEBHOOK', url } },
      ],
      connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'call' }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
});
afterAll(async () => {
  await dead.close();
  await healthy.close();
  await second?.stop();
  await t.close();
});

async function startRuns(workflow: string, count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await t.api('admin', 'POST', `/workflows/${workflow}/runs`, { inputs: {} });
    expect(res.status).toBe(201);
    ids.push(res.body.workflowRun.identifier as string);
  }
  return ids;
}

const statusOf = async (id: string) =>
  (await t.api('admin', 'GET', `/workflows/runs/${id}`)).body.workflowRun.status as string;

describe('per-host cap on requests in flight', () => {
  it('lets a backend that hangs hold only its share of the slots, so a healthy one is served meanwhile', async () => {
    const stuck = await startRuns('to-dead', 8);
    await until('the dead backend holds its two requests', async () => dead.received.length >= 2);

    const served = await startRuns('to-healthy', 6);
    await until('every run to the healthy backend completed', async () => {
      const states = await Promise.all(served.map(statusOf));
      return states.every((s) => s === 'COMPLETED');
    });
    expect(healthy.received).toHaveLength(6);
    // The dead backend still holds its two requests, and nothing more was sent to it.
    expect(dead.received).toHaveLength(2);
    const states = await Promise.all(stuck.map(statusOf));
    expect(states.every((s) => s === 'IN_PROGRESS')).toBe(true);

    const run = await t.api('admin', 'GET', `/workflows/runs/${stuck[7]}`);
    const waiting = run.body.workflowRun.nodeRuns.find(
      (n: { nodeIdentifier: string }) => n.nodeIdentifier === 'call',
    );
    expect(waiting.delivery).toMatchObject({
      state: 'queued',
      target: new URL(dead.url).host,
    });
  });

  it('caps each server on its own slots: a second server sends a hanging host only its own share', async () => {
    second = startDispatcher(t.database.db, () => new Date(), {
      ...DEFAULT_BACKEND_OPTIONS,
      ...BACKENDS,
    });
    const served = await startRuns('to-healthy', 4);
    await until(
      'the second server took its share of the dead backend',
      async () => dead.received.length >= 4,
    );
    await until('every run to the healthy backend completed', async () => {
      const states = await Promise.all(served.map(statusOf));
      return states.every((s) => s === 'COMPLETED');
    });
    // Two requests held on each server; the other four runs to the dead host stay queued.
    expect(dead.received).toHaveLength(4);
  });
});
