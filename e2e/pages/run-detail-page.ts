import { expect, type Locator, type Page } from '@playwright/test';

/** The log viewer of the run page: level chips, search, follow and the (virtualized) lines. */
export class LogViewerPanel {
  readonly region: Locator;
  readonly search: Locator;
  readonly nextMatch: Locator;
  readonly previousMatch: Locator;
  readonly follow: Locator;
  /** "k of N" beside the search box. */
  readonly matchCounter: Locator;

  constructor(readonly page: Page) {
    this.region = page.getByRole('region', { name: 'Log lines' });
    this.search = page.getByRole('textbox', { name: 'Search logs' });
    this.nextMatch = page.getByRole('button', { name: 'Next match' });
    this.previousMatch = page.getByRole('button', { name: 'Previous match' });
    this.follow = page.getByRole('button', { name: 'Follow', exact: true });
    this.matchCounter = page.getByText(/^(\d+|–) of \d+$/);
  }

  /** The rendered log lines (rows of the log table that hold a line's text). */
  get lines(): Locator {
    return this.region.getByRole('row');
  }

  line(text: string | RegExp): Locator {
    return this.lines.filter({ hasText: text });
  }

  /** The line the search is on: the current match. */
  get currentMatch(): Locator {
    return this.region.locator('[role="row"][aria-current="true"]');
  }

  /** The chip of one level; its name carries the count, e.g. "ERROR 3". */
  levelChip(level: string): Locator {
    return this.page
      .getByRole('group', { name: 'Levels' })
      .getByRole('button', { name: new RegExp(`^${level}\\b`) });
  }

  async showOnly(level: string) {
    await this.levelChip(level).click();
    await expect(this.levelChip(level)).toHaveAttribute('aria-pressed', 'true');
  }

  /** The texts of the lines in view, in order. */
  async visibleTexts(): Promise<string[]> {
    return this.lines.evaluateAll((rows) =>
      rows.map((row) => row.lastElementChild?.textContent ?? '').filter((text) => text !== '…'),
    );
  }
}

/** The JSON inspector: a tree of keys and values with "Copy path" / "Copy value" per row. */
export class OutputPanel {
  readonly tree: Locator;

  constructor(
    readonly page: Page,
    name: string | RegExp,
  ) {
    this.tree = page.getByRole('tree', { name });
  }

  /** The row of `key`; its accessible name is "key: value". */
  item(key: string): Locator {
    return this.tree.getByRole('treeitem', { name: new RegExp(`^${key}: `) });
  }

  async copyPath(key: string) {
    const item = this.item(key);
    await item.hover();
    await item.getByRole('button', { name: 'Copy path' }).click();
  }
}

export class RunDetailPage {
  readonly logs: LogViewerPanel;
  readonly logsTab: Locator;
  readonly outputTab: Locator;
  readonly timeline: Locator;

  constructor(readonly page: Page) {
    this.logs = new LogViewerPanel(page);
    this.logsTab = page.getByRole('tab', { name: 'Logs' });
    this.outputTab = page.getByRole('tab', { name: 'Output' });
    this.timeline = page.getByRole('list', { name: 'Node run timeline' });
  }

  async goto(runIdentifier: string, search = '') {
    await this.page.goto(`/runs/${runIdentifier}${search}`);
  }

  async expectLoaded(runIdentifier: string) {
    await expect(this.page.getByRole('heading', { name: runIdentifier })).toBeVisible();
    await expect(this.logsTab).toBeVisible();
  }

  /**
   * The page's last stage is in: the graph (its chunk loaded) and the timeline replaced their
   * skeleton, which is not their height, so the log panel under them has stopped moving.
   */
  async expectStaged() {
    await expect(this.timeline).toBeVisible();
    await expect(this.page.getByLabel('Loading the graph')).toHaveCount(0);
  }

  /** A node of the workflow graph, by title; its name is "<title>: <state>"; pressed when selected. */
  node(title: string): Locator {
    return this.page.getByRole('button', { name: new RegExp(`^${escapeRegExp(title)}: `) });
  }

  async selectNode(title: string) {
    await this.node(title).click();
    await expect(this.node(title)).toHaveAttribute('aria-pressed', 'true');
    await expect(this.page.getByRole('heading', { name: title, exact: true })).toBeVisible();
  }

  /** Beside a node's output, the run's outputs show (and are fetched) only when asked for. */
  async showRunOutputs() {
    await this.page.getByRole('button', { name: 'Show run outputs' }).click();
  }

  /** The inspector of the selected node's output (or, by name, the run's outputs). */
  output(name: string | RegExp): OutputPanel {
    return new OutputPanel(this.page, name);
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
