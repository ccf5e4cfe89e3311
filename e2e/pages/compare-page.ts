import { expect, type Locator, type Page } from '@playwright/test';

/** `/runs/compare?a=…&b=…`: two runs side by side. */
export class ComparePage {
  readonly nodes: Locator;
  readonly logs: Locator;
  readonly jumpToDifference: Locator;
  readonly logStatus: Locator;

  constructor(readonly page: Page) {
    this.nodes = page.getByRole('table', { name: 'Nodes of both runs' });
    this.logs = page.getByRole('table', { name: 'Both logs aligned' });
    this.jumpToDifference = page.getByRole('button', { name: 'Jump to first difference' });
    this.logStatus = page.getByRole('status').filter({ hasText: /difference|same/ });
  }

  async expectComparing(a: string, b: string) {
    await expect(this.page).toHaveURL(new RegExp(`/runs/compare\\?(?=.*a=${a})(?=.*b=${b})`));
    await expect(this.nodes).toBeVisible();
  }

  /** The row of a node in the aligned timelines. */
  nodeRow(title: string): Locator {
    return this.nodes.getByRole('row').filter({ hasText: title });
  }

  /** The aligned log row marked as the first difference (after "Jump to first difference"). */
  get firstDifference(): Locator {
    return this.logs.locator('[role="row"][aria-current="true"]');
  }

  outputDiff(label: string): Locator {
    return this.page.getByRole('table', { name: `Differences of ${label}` });
  }
}
