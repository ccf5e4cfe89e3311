import { expect, type Locator, type Page } from '@playwright/test';

export interface Person {
  email: string;
  password: string;
}

export class SignInPage {
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly sso: Locator;

  constructor(readonly page: Page) {
    this.email = page.getByRole('textbox', { name: 'Email' });
    this.password = page.getByRole('textbox', { name: 'Password', exact: true });
    this.submit = page.getByRole('button', { name: 'Sign in', exact: true });
    this.sso = page.getByRole('link', { name: /^Sign in with / });
  }

  async goto() {
    await this.page.goto('/sign-in');
    await expect(this.submit).toBeVisible();
  }

  async signIn({ email, password }: Person) {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submit.click();
  }
}
