/**
 * Where to go after sign-in: a path of this site taken from a query string, never another site.
 * The target is resolved as a browser would (which reads `/\evil.com` as `//evil.com` and drops
 * tabs and newlines), so only what stays on the same origin is kept; its path, query and fragment
 * come back, anything else gives `fallback`. A path that resolves to `//…` (e.g. `/.//evil.com`)
 * would itself be protocol-relative and is refused too. Pure: used by the server and the SPA.
 */
export function safeRedirect(target: string | undefined | null, fallback = '/'): string {
  if (!target) return fallback;
  const base = 'http://x';
  let url: URL;
  try {
    url = new URL(target, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base || url.pathname.startsWith('//')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
