import { expect, type Locator, type Page } from '@playwright/test';

/** The audit log's Runs tab: every action run, its filters and paging. */
export class ActionRunsPage {
  readonly table: Locator;
  readonly action: Locator;
  readonly blueprint: Locator;
  readonly entity: Locator;
  /** @deprecated the User filter is a people picker now: use pickUser. */
  readonly user: Locator;
  readonly userPicker: Locator;
  readonly activeOnly: Locator;
  readonly startedFrom: Locator;
  readonly startedTo: Locator;

  constructor(readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Action runs' });
    this.action = page.getByRole('combobox', { name: 'Action', exact: true });
    this.blueprint = page.getByRole('combobox', { name: 'Blueprint', exact: true });
    this.entity = page.getByRole('combobox', { name: 'Entity', exact: true });
    this.user = page.getByRole('textbox', { name: 'User', exact: true });
    this.userPicker = page.getByRole('combobox', { name: 'User', exact: true });
    this.activeOnly = page.getByRole('checkbox', { name: 'Active only' });
    this.startedFrom = page.getByLabel('Started from', { exact: true });
    this.startedTo = page.getByLabel('Started to', { exact: true });
  }

  /**
   * Picks an action in the Action filter by its title (the option names the identifier too when
   * other actions share the title, as every test's catalog does); empty clears it.
   */
  async pickAction(title: string, identifier: string) {
    if (!title) {
      // From the keyboard: the clear button is the next stop after the box.
      await this.action.focus();
      await this.page.keyboard.press('Tab');
      await expect(this.page.getByRole('button', { name: 'Clear Action' })).toBeFocused();
      await this.page.keyboard.press('Enter');
      return;
    }
    await this.action.fill(title);
    await this.page
      .getByRole('option', { name: new RegExp(`^${title}( \\(${identifier}\\))?$`) })
      .click();
  }

  /** Picks an entity in the Entity filter by what a person types (its title or identifier). */
  async pickEntity(typed: string, title: string, identifier: string) {
    await this.entity.fill(typed);
    await this.page
      .getByRole('option', { name: new RegExp(`^${title} \\(${identifier}\\)`) })
      .click();
    await expect(this.entity).toHaveValue(new RegExp(`^${title} \\(${identifier}\\)`));
  }

  /** Picks a person in the User filter by name (or email); empty clears it. */
  async pickUser(name: string) {
    if (!name) {
      // Emptying the box and leaving it puts the name back (Mantine's Select): its clear button.
      await this.page.getByRole('button', { name: 'Clear User' }).click();
      await expect(this.userPicker).toHaveValue('');
      return;
    }
    await this.userPicker.fill(name);
    await this.page
      .getByRole('option', { name: new RegExp(name) })
      .first()
      .click();
  }

  async goto(query = '') {
    await this.page.goto(`/actions/runs${query}`);
    await expect(
      this.page.getByRole('heading', { name: 'Action runs', exact: true }),
    ).toBeVisible();
  }

  get rows(): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('cell') });
  }

  row(runId: string): Locator {
    return this.rows.filter({ hasText: runId });
  }

  async runIds(): Promise<string[]> {
    if (!(await this.table.isVisible())) return [];
    const links = await this.table.getByRole('link', { name: /^r_/ }).allTextContents();
    return links.map((t) => t.trim());
  }

  /** Exactly these runs are listed, newest first (the filter's debounce included). */
  async expectRuns(runIds: string[]) {
    await expect.poll(() => this.runIds()).toEqual(runIds);
  }
}

/** One action run: header, links, logs and the entity changes it made. */
export class ActionRunPage {
  readonly runId: Locator;
  readonly copyRunId: Locator;
  readonly links: Locator;
  readonly summary: Locator;
  readonly changes: Locator;
  readonly logs: Locator;

  constructor(readonly page: Page) {
    this.runId = page.getByRole('heading', { level: 1, name: /^r_/ });
    this.copyRunId = page.getByRole('button', { name: 'Copy run id' });
    this.links = page.getByRole('region', { name: 'External logs' });
    this.summary = page.getByRole('region', { name: 'Summary' });
    this.changes = page.getByRole('region', { name: 'Entity changes' });
    this.logs = page.getByRole('region', { name: 'Log lines' });
  }

  async goto(runId: string) {
    await this.page.goto(`/actions/runs/${runId}`);
    await expect(this.runId).toHaveText(runId);
  }

  logLine(text: string | RegExp): Locator {
    return this.logs.getByRole('row').filter({ hasText: text });
  }
}
