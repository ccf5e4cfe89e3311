import { type Page } from '@playwright/test';

export class WorkflowRunsPage {
  constructor(readonly page: Page) {}
}
