import path from 'node:path';
import type { Page } from '@playwright/test';

const DIR = path.resolve(import.meta.dirname, '..', 'test-results', 'screenshots');

/**
 * Saves the page as it is now in the light and the dark scheme, as
 * test-results/screenshots/<name>-<scheme>.png, then puts the scheme back to light.
 */
export async function screenshotBothSchemes(page: Page, name: string) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.waitForFunction(
      (scheme) => document.documentElement.getAttribute('data-mantine-color-scheme') === scheme,
      colorScheme,
    );
    await page.screenshot({
      path: path.join(DIR, `${name}-${colorScheme}.png`),
      fullPage: true,
      animations: 'disabled',
    });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
