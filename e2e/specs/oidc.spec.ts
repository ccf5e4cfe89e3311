import { OAuth2Server } from 'oauth2-mock-server';
import { expect, test } from '../fixtures';
import { freePort } from '../../server/free-port';

/**
 * Single sign-on through a real OpenID Connect provider process on a loopback port
 * (oauth2-mock-server: discovery, authorize with PKCE and nonce, token endpoint, signed ID tokens).
 * Its authorize endpoint signs in whoever `identity` says, without a login form.
 */
const providerPort = await freePort();
const provider = new OAuth2Server();
const identity: Record<string, unknown> = {
  email: '',
  email_verified: true,
  given_name: 'Ada',
  family_name: 'Lovelace',
};

test.use({
  serverEnv: {
    OIDC_ISSUER: `http://localhost:${providerPort}`,
    OIDC_CLIENT_ID: 'runboard',
    OIDC_CLIENT_SECRET: 'runboard-oidc-secret',
    OIDC_NAME: 'Example SSO',
    OIDC_AUTO_CREATE: 'on',
  },
});

test.beforeAll(async () => {
  await provider.issuer.keys.generate('RS256');
  provider.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
    Object.assign(token.payload, identity);
    if (identity.email_verified === undefined) delete token.payload.email_verified;
  });
  await provider.start(providerPort, 'localhost');
});
test.afterAll(async () => provider.stop());

test('first SSO sign-in creates the person; a deactivated person is refused', async ({
  page,
  signInPage,
  api,
  baseURL,
}) => {
  identity.email = `ada.${Date.now()}@example.com`;
  identity.email_verified = true;
  await page.goto('/sign-in?redirect=%2Factions%2Fruns');
  await expect(signInPage.sso).toHaveText('Sign in with Example SSO');
  await signInPage.sso.click();
  await expect(page).toHaveURL(/\/actions\/runs$/);
  await expect(page.getByRole('button', { name: 'Account' })).toHaveText('Ada Lovelace');

  const users = await fetch(`${baseURL}/v1/users`, {
    headers: { authorization: `Bearer ${await api.token()}` },
  }).then((r) => r.json() as Promise<{ users: { id: string; email: string; role: string }[] }>);
  const ada = users.users.find((u) => u.email === identity.email)!;
  expect(ada.role).toBe('member');

  const off = await fetch(`${baseURL}/v1/users/${ada.id}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${await api.token()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'DISABLED' }),
  });
  expect(off.status).toBe(200);
  await page.context().clearCookies();
  await page.goto('/sign-in');
  await signInPage.sso.click();
  await expect(page).toHaveURL(/\/sign-in\?error=/);
  await expect(page.getByRole('alert')).toContainText('This account is deactivated');
});

test('an email the provider does not say is verified is refused', async ({ page, signInPage }) => {
  identity.email = `unverified.${Date.now()}@example.com`;
  for (const verified of [undefined, false]) {
    identity.email_verified = verified;
    await page.goto('/sign-in');
    await signInPage.sso.click();
    await expect(page).toHaveURL(/\/sign-in\?error=/);
    await expect(page.getByRole('alert')).toContainText('answer was refused');
  }
});

test('after SSO only a path of this site is followed', async ({ page }) => {
  identity.email = `ada.redirect.${Date.now()}@example.com`;
  identity.email_verified = true;
  // A browser reads /\evil.example as //evil.example: another site.
  await page.goto('/v1/auth/oidc/start?redirect=%2F%5Cevil.example');
  await expect(page).toHaveURL(/\/workflows$/);
});
