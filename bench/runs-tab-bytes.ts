/**
 * Bytes an idle Runs tab moves: the demo's nightly pipeline workflow open in Chromium, nobody
 * touching it, every /v1 response counted (body as sent on the wire, i.e. compressed, plus
 * headers) for 30 s after the page has loaded. Target (issue 17): at most 100 KB per 30 s.
 *
 *   npx tsx bench/runs-tab-bytes.ts http://localhost:8080 [workflow=nightly-data-pipeline] [seconds=30]
 *
 * Against a running server with the demo seed and the simulator on (the default `npm start`).
 */
import { chromium } from '@playwright/test';
import { CHROMIUM_EXECUTABLE } from '../e2e/chromium';

const [base = 'http://localhost:8080', workflow = 'nightly-data-pipeline', seconds = '30'] =
  process.argv.slice(2);
const credentials = { clientId: 'runboard-admin', clientSecret: 'runboard-admin-secret' };

export async function runsTabBytes(baseUrl: string, workflowId: string, windowMs: number) {
  const res = await fetch(`${baseUrl}/v1/auth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  const { accessToken } = (await res.json()) as { accessToken: string };
  const browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE });
  try {
    const page = await browser.newPage();
    await page.addInitScript(
      ({ credentials, token }) => {
        sessionStorage.setItem('runboard.credentials', JSON.stringify(credentials));
        sessionStorage.setItem('runboard.token', token);
      },
      { credentials, token: accessToken },
    );
    let counting = false;
    const seen = { requests: 0, bytes: 0, notModified: 0 };
    const pending: Promise<void>[] = [];
    // A 304 to the app's own If-None-Match poll ends as net::ERR_ABORTED in Chromium (no body
    // is read): counted from its response, with its headers' size.
    page.on('response', (response) => {
      if (!counting || !response.url().includes('/v1/') || response.status() !== 304) return;
      pending.push(
        (async () => {
          seen.requests++;
          seen.notModified++;
          seen.bytes += (await response.headersArray()).reduce(
            (n, h) => n + h.name.length + h.value.length + 4,
            20,
          );
        })(),
      );
    });
    page.on('requestfinished', (request) => {
      if (!counting || !request.url().includes('/v1/')) return;
      pending.push(
        (async () => {
          const sizes = await request.sizes();
          const response = await request.response();
          if (response?.status() === 304) return;
          seen.requests++;
          if (process.env.VERBOSE)
            console.log(
              response?.status(),
              sizes.responseBodySize,
              decodeURIComponent(request.url().replace(baseUrl, '')).slice(0, 160),
            );
          seen.bytes += sizes.responseBodySize + sizes.responseHeadersSize;
        })(),
      );
    });
    await page.goto(`${baseUrl}/workflows/${encodeURIComponent(workflowId)}`);
    await page.getByRole('table').first().waitFor();
    await page.waitForTimeout(3000);
    counting = true;
    await page.waitForTimeout(windowMs);
    counting = false;
    await Promise.all(pending);
    return seen;
  } finally {
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seen = await runsTabBytes(base, workflow, Number(seconds) * 1000);
  console.log(
    `idle Runs tab of ${workflow}, ${seconds} s: ${(seen.bytes / 1024).toFixed(1)} KB in ` +
      `${seen.requests} requests (${seen.notModified} answered 304); target <= 100 KB`,
  );
}
