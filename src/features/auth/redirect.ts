/** Only same-origin paths are followed after sign-in, never a full URL from the query string. */
export function safeRedirect(target: string | undefined): string {
  if (!target || !target.startsWith('/') || target.startsWith('//')) return '/workflows';
  return target;
}
