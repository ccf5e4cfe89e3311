import { safeRedirect as sameSitePath } from '../../../contract/redirect';

/** Only same-origin paths are followed after sign-in, never a full URL from the query string. */
export const safeRedirect = (target: string | undefined): string =>
  sameSitePath(target, '/workflows');
