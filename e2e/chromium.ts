/**
 * Debian's chromium as the e2e suite and the browser benches launch it (`npx playwright install`
 * cannot download here): the system binary, without the sandbox (CI runs as root), the GPU, or
 * the background traffic that would show in a bench's byte counts.
 */
export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
