import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test } from '../fixtures';
import { saveScreenshot, screenshotBothSchemes } from '../screenshots';
import { unique } from '../seed-api';

// A failed attempt waits ten minutes before the next: only "Retry now" sends it again in time.
test.use({
  serverEnv: {
    WEBHOOK_RETRIES: '4',
    WEBHOOK_BACKOFF_MS: '600000',
    WEBHOOK_MAX_BACKOFF_MS: '600000',
  },
});

/** A backend that answers 503 to its first request and 200 to every one after. */
async function startFlakyBackend() {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      res
        .writeHead(requests === 1 ? 503 : 200, { 'content-type': 'application/json' })
        .end(requests === 1 ? 'warming up' : '{"deployed": true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/deploy`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let backend: Awaited<ReturnType<typeof startFlakyBackend>>;
test.beforeAll(async () => {
  backend = await startFlakyBackend();
});
test.afterAll(async () => {
  await backend.close();
});

test('a node waiting on its backend says so, and an admin retries the delivery now', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const workflow = await api.createWorkflow({
    identifier: unique('deliver'),
    title: 'Deliver',
    nodes: [
      { identifier: 'trigger', title: 'Trigger', config: { type: 'SELF_SERVE_TRIGGER' } },
      {
        identifier: 'call',
        title: 'Call deploy API',
        config: { type: 'WEBHOOK', url: backend.url },
      },
    ],
    connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'call' }],
  });
  const run = await api.startRun(workflow.identifier);
  await detail.goto(run.identifier, '?node=call');
  await detail.expectLoaded(run.identifier);

  const line = page.getByText(
    new RegExp(
      `^Delivering to ${backend.host.replace(/\./g, '\\.')} \\(attempt 2 of 5, next in \\d+ minutes\\)`,
    ),
  );
  await expect(line).toBeVisible();
  await expect(line).toContainText('last error: Webhook answered 503: warming up');
  await screenshotBothSchemes(page, 'delivery-node-panel');
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(line).toBeVisible();
  await saveScreenshot(page, {
    path: path.resolve(
      import.meta.dirname,
      '..',
      '..',
      'test-results',
      'screenshots',
      'delivery-node-panel-390.png',
    ),
    fullPage: true,
  });
  await page.setViewportSize({ width: 1280, height: 720 });

  await page.getByRole('button', { name: 'Retry now' }).click();
  await expect.poll(async () => (await api.nodeRun(run.identifier, 'call')).result).toBe('SUCCESS');
  expect(backend.requests()).toBe(2);
  await expect(line).toBeHidden();
  await expect(detail.logs.line(/Delivery retried now by /)).toBeVisible();
  await expect(detail.logs.line(/Webhook answered 200; node completed/)).toBeVisible();
});
