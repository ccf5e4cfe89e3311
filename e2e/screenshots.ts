import path from 'node:path';
import type { Page } from '@playwright/test';

const DIR = path.resolve(import.meta.dirname, '..', 'test-results', 'screenshots');

/**
 * Screenshots are for a person to look at, so they are taken only when asked for
 * (`SCREENSHOTS=1 npx playwright test …`): two full-page captures and a scheme switch cost a test
 * seconds on a loaded machine, and no assertion reads them.
 */
export const screenshotsWanted = Boolean(process.env.SCREENSHOTS);

/**
 * Saves the page as it is now in the light and the dark scheme, as
 * test-results/screenshots/<name>-<scheme>.png, then puts the scheme back to light (only with
 * SCREENSHOTS set).
 */
export async function screenshotBothSchemes(page: Page, name: string) {
  if (!screenshotsWanted) return;
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

/** `target.screenshot(options)`, only with SCREENSHOTS set (see screenshotsWanted). */
export async function saveScreenshot<O>(
  target: { screenshot(options?: O): Promise<unknown> },
  options: O,
) {
  if (screenshotsWanted) await target.screenshot(options);
}

/**
 * Saves the whole page at each of these widths (a phone's 844 px high below 768, else 800) as
 * test-results/screenshots/<name>-<width>.png, then puts the viewport back as it was (only with
 * SCREENSHOTS set).
 */
export async function screenshotAtWidths(page: Page, name: string, widths: number[]) {
  if (!screenshotsWanted) return;
  const was = page.viewportSize();
  for (const width of widths) {
    await page.setViewportSize({ width, height: width < 768 ? 844 : 800 });
    await page.screenshot({ path: path.join(DIR, `${name}-${width}.png`), fullPage: true });
  }
  if (was) await page.setViewportSize(was);
}
