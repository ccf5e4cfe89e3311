import { expect, type Locator, type Page } from '@playwright/test';

/** An entity's page: its properties and the activity feed. */
export class EntityPage {
  readonly feed: Locator;
  readonly kind: Locator;
  readonly status: Locator;

  constructor(readonly page: Page) {
    this.feed = page.getByRole('table', { name: 'Activity' });
    this.kind = page.getByRole('combobox', { name: 'Kind', exact: true });
    this.status = page.getByRole('combobox', { name: 'Status', exact: true });
  }

  async goto(blueprint: string, entityId: string) {
    await this.page.goto(`/entities/${blueprint}/${entityId}`);
    await expect(this.feed).toBeVisible();
  }

  /** Feed items (rows with a kind icon; an opened change's details are not items). */
  get rows(): Locator {
    return this.feed.getByRole('row').filter({ has: this.page.getByRole('img') });
  }

  /** The kind of each row, top to bottom (each row's kind icon names it). */
  async kinds(): Promise<string[]> {
    return this.feed
      .getByRole('img')
      .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
  }

  async filterByKind(label: string) {
    await this.kind.click();
    await this.page.getByRole('option', { name: label, exact: true }).click();
  }
}
