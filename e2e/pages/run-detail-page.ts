import { type Page } from '@playwright/test';

export class RunDetailPage {
  constructor(readonly page: Page) {}
}
