import * as client from 'openid-client';

/** Single sign-on settings (OIDC_* variables). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The button's label on the sign-in page. */
  name: string;
  /** Unknown emails get an account with `defaultRole` on first sign-in; else they are refused. */
  autoCreate: boolean;
  defaultRole: 'admin' | 'member';
  /** Accept an email without `email_verified: true` (a provider that never sends the claim). */
  trustUnverifiedEmail?: boolean;
}

/** What one sign-in carries between the redirect out and the callback (in a signed cookie). */
export interface OidcPending {
  state: string;
  nonce: string;
  verifier: string;
  redirect: string;
}

/** The provider's configuration, discovered once and kept (tried again after a failure). */
export function oidcClient(settings: OidcSettings) {
  let config: Promise<client.Configuration> | undefined;
  const issuer = new URL(settings.issuer);
  const discover = () =>
    (config ??= client
      .discovery(
        issuer,
        settings.clientId,
        settings.clientSecret,
        undefined,
        // A provider on plain http is only accepted on loopback (a local or test provider).
        ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname)
          ? { execute: [client.allowInsecureRequests] }
          : undefined,
      )
      .catch((err: unknown) => {
        config = undefined;
        throw err;
      }));

  return {
    settings,
    /** Where to send the browser, and what to remember until it comes back. */
    async start(redirectUri: string, redirect: string) {
      const pending: OidcPending = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        verifier: client.randomPKCECodeVerifier(),
        redirect,
      };
      const url = client.buildAuthorizationUrl(await discover(), {
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
      });
      return { url: url.toString(), pending };
    },
    /** The verified identity from the provider's answer at `currentUrl`. */
    async finish(currentUrl: URL, pending: OidcPending) {
      const tokens = await client.authorizationCodeGrant(await discover(), currentUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      const email = typeof claims?.email === 'string' ? claims.email : null;
      if (!email) throw new Error('The identity provider sent no email claim');
      if (claims?.email_verified !== true && !settings.trustUnverifiedEmail) {
        // Accounts match by email: one the provider has not verified could be anyone's.
        throw new Error('The identity provider does not say this email is verified');
      }
      const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
      return { email, firstName: text(claims?.given_name), lastName: text(claims?.family_name) };
    },
  };
}
export type OidcClient = ReturnType<typeof oidcClient>;
