import { expect, type Locator, type Page } from '@playwright/test';

/** The "Run <title>" dialog: the form generated from the definition's inputs, and Start run. */
export class StartRunDialog {
  readonly dialog: Locator;
  readonly start: Locator;

  constructor(
    readonly page: Page,
    title: string,
  ) {
    this.dialog = page.getByRole('dialog', { name: title });
    this.start = this.dialog.getByRole('button', { name: 'Start run' });
  }

  field(label: string): Locator {
    return this.dialog.getByLabel(label, { exact: false });
  }

  async expectOpen() {
    await expect(this.dialog).toBeVisible();
  }
}
