import { type Locator, type Page } from '@playwright/test';

export class WorkflowsPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto('/workflows');
  }

  workflowLink(title: string): Locator {
    return this.page.getByRole('link', { name: title, exact: true });
  }
}
