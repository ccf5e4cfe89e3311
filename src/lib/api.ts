import type { ApiErrorBody } from '../../contract/common';

/** An API failure with Port's error code, e.g. `not_found`, `forbidden`, `run_exhausted`. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The session is an httpOnly cookie the page never sees: nothing secret is kept in storage. The
 * tab only remembers (in memory) whether it is signed in, to tell a sign-out from a first visit.
 */
let signedIn = false;
export const session = {
  active: () => signedIn,
  /** Called once the server has answered as a signed-in user. */
  confirm() {
    signedIn = true;
  },
  /** This tab's session is over (signed out, expired, deactivated): forget what it loaded. */
  clear() {
    signedIn = false;
    for (const listener of signOutListeners) listener();
  },
};

/** Sent on every request: the server refuses cookie-authenticated writes without it (CSRF). */
export const CSRF_HEADERS = { 'x-runboard-csrf': '1' } as const;

const signOutListeners = new Set<() => void>();
/** Called when the session ends (sign-out, or credentials that no longer work). */
export function onSignOut(listener: () => void) {
  signOutListeners.add(listener);
  return () => signOutListeners.delete(listener);
}

// A hand check rather than contract's zod schema: zod would more than double the first route's JS.
function isErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return b.ok === false && typeof b.error === 'string' && typeof b.message === 'string';
}

async function errorFrom(res: Response): Promise<ApiRequestError> {
  const body: unknown = await res.json().catch(() => null);
  return isErrorBody(body)
    ? new ApiRequestError(res.status, body.error, body.message)
    : new ApiRequestError(res.status, 'http_error', `The server answered ${res.status}`);
}

/** Asks the server to end this browser session, then forgets it here. */
export async function signOut() {
  await fetch('/v1/auth/sign-out', { method: 'POST', headers: CSRF_HEADERS }).catch(() => null);
  session.clear();
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | string[] | undefined | null>;
  signal?: AbortSignal;
  /** Sent as If-None-Match; a 304 answer resolves to `null`. */
  etag?: string | null;
}

export function buildQuery(query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export interface ApiResponse<T> {
  body: T;
  etag: string | null;
}

/**
 * Calls `/v1{path}` with the session cookie and returns the parsed `{ok: true}` envelope, or throws
 * ApiRequestError carrying Port's error code and message. A 401 on a signed-in tab ends it.
 */
export async function apiRequest<T>(
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T> | null> {
  const res = await fetch(`/v1${path}${buildQuery(options.query)}`, {
    method: options.method ?? 'GET',
    credentials: 'same-origin',
    headers: {
      ...CSRF_HEADERS,
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      // Runs and changes made here are recorded with source UI (only for a person's session).
      ...(options.method && options.method !== 'GET' ? { 'x-runboard-source': 'UI' } : {}),
      ...(options.etag ? { 'if-none-match': options.etag } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (res.status === 401 && session.active()) session.clear();
  if (res.status === 304) return null;
  if (!res.ok) throw await errorFrom(res);
  return { body: (await res.json()) as T, etag: res.headers.get('etag') };
}

/** apiRequest for callers that never send If-None-Match. */
export async function api<T>(path: string, options: Omit<RequestOptions, 'etag'> = {}) {
  const res = await apiRequest<T>(path, options);
  if (!res) throw new ApiRequestError(304, 'not_modified', 'Unexpected 304');
  return res.body;
}
