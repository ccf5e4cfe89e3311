import { expect, type Locator, type Page } from '@playwright/test';

/** A workflow's Trends tab. */
export class TrendsPage {
  readonly nodeTable: Locator;

  constructor(readonly page: Page) {
    this.nodeTable = page.getByRole('table', { name: 'Nodes by duration and failures' });
  }

  async goto(workflowIdentifier: string) {
    await this.page.goto(`/workflows/${encodeURIComponent(workflowIdentifier)}?tab=trends`);
    await expect(this.nodeTable).toBeVisible();
  }

  /** Node identifiers of the per-node table, top to bottom. */
  async nodeOrder(): Promise<string[]> {
    const rows = this.nodeTable.getByRole('row').filter({ has: this.page.getByRole('cell') });
    const ids: string[] = [];
    for (const row of await rows.all()) {
      ids.push((await row.getByRole('cell').first().locator('p').last().innerText()).trim());
    }
    return ids;
  }

  /** Opens the runs list filtered to the runs in which the node failed. */
  async openFailuresOf(nodeTitle: string) {
    await this.nodeTable.getByRole('button', { name: nodeTitle, exact: true }).click();
  }
}
