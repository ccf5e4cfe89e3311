import { expect, type Locator, type Page } from '@playwright/test';
import type { Credentials } from '../seed-api';

export class SignInPage {
  readonly clientId: Locator;
  readonly clientSecret: Locator;
  readonly submit: Locator;

  constructor(readonly page: Page) {
    this.clientId = page.getByLabel(/client id/i);
    this.clientSecret = page.getByLabel(/client secret/i);
    this.submit = page.getByRole('button', { name: /sign in/i });
  }

  async goto() {
    await this.page.goto('/');
    await expect(this.submit).toBeVisible();
  }

  async signIn({ clientId, clientSecret }: Credentials) {
    await this.clientId.fill(clientId);
    await this.clientSecret.fill(clientSecret);
    await this.submit.click();
  }
}
