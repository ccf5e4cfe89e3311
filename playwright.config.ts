import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './e2e/chromium';

const CI = Boolean(process.env.CI);

/**
 * End-to-end tests drive Debian's chromium against the real server (one per worker, see
 * e2e/fixtures.ts), which serves the SPA built into dist/ by `npm run test:e2e`.
 */
export default defineConfig({
  testDir: 'e2e/specs',
  outputDir: 'test-results',
  fullyParallel: true,
  forbidOnly: CI,
  // Each worker runs its own server and chromium; two fit a 2-core machine.
  workers: 2,
  retries: CI ? 1 : 0,
  timeout: 30_000,
  // A deadline, not a wait: a passing assertion returns as soon as it holds. A test's first page
  // is a cold boot of the SPA (a fresh browser context, an empty cache: some 40 scripts); at load
  // 20-25 on this shared 2-core machine that took 8-9 s before the page's data showed, and three
  // tests failed their first assertion after a navigation at 7 s with the content there a second
  // later.
  expect: { timeout: 12_000 },
  reporter: 'list',
  use: {
    ...devices['Desktop Chrome'],
    viewport: { width: 1440, height: 900 },
    timezoneId: 'UTC',
    locale: 'en-US',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS },
  },
});
