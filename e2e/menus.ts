import { expect, type Page } from '@playwright/test';

/**
 * Closes the open Mantine menu with Escape, as a person does. Its dropdown listens for Escape, so
 * the key is pressed once the menu's focus trap holds the focus (a tick after it opens): pressed
 * before, it goes to the menu's button and the menu stays open over the page.
 */
export async function escapeMenu(page: Page) {
  const menu = page.getByRole('menu');
  await expect(menu).toBeVisible();
  await expect.poll(() => menu.evaluate((m) => m.contains(document.activeElement))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
}
