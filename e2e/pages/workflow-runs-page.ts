import { expect, type Locator, type Page } from '@playwright/test';

/** A workflow's Runs tab: the runs table, its filters and paging. */
export class WorkflowRunsPage {
  readonly table: Locator;
  readonly loadMore: Locator;
  readonly status: Locator;
  readonly startedBy: Locator;
  readonly entity: Locator;

  constructor(readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Workflow runs' });
    this.loadMore = page.getByRole('button', { name: 'Load more' });
    this.status = page.getByRole('combobox', { name: 'Status', exact: true });
    this.startedBy = page.getByRole('combobox', { name: 'Started by', exact: true });
    this.entity = page.getByRole('combobox', { name: 'Entity', exact: true });
  }

  async goto(workflowIdentifier: string) {
    await this.page.goto(`/workflows/${encodeURIComponent(workflowIdentifier)}`);
    await expect(this.table).toBeVisible();
  }

  /** Body rows (the header row holds column headers, not cells). */
  get rows(): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('cell') });
  }

  row(runIdentifier: string): Locator {
    return this.rows.filter({ hasText: runIdentifier });
  }

  /** The run ids of the listed rows, top to bottom. */
  async runIds(): Promise<string[]> {
    const links = await this.table.getByRole('link', { name: /^wfr_/ }).allTextContents();
    return links.map((text) => text.trim());
  }

  /** Exactly these runs are listed, in this order (newest first). */
  async expectRuns(runIdentifiers: string[]) {
    await expect.poll(() => this.runIds()).toEqual(runIdentifiers);
    await expect(this.rows).toHaveCount(runIdentifiers.length);
  }

  /** Picks an option of the Status filter ("In progress", "Succeeded", "Failed", …). */
  async filterByStatus(label: string) {
    await this.status.click();
    await this.page.getByRole('option', { name: label, exact: true }).click();
  }

  /** Picks who started the runs, by name or email, in the people picker. */
  async filterByStartedBy(name: string) {
    await this.startedBy.fill(name);
    await this.page
      .getByRole('option', { name: new RegExp(name) })
      .first()
      .click();
  }

  async openRun(runIdentifier: string) {
    await this.row(runIdentifier).getByRole('link', { name: runIdentifier }).click();
  }
}
