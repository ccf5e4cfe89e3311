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

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

const CREDENTIALS_KEY = 'runboard.credentials';
const TOKEN_KEY = 'runboard.token';

/** Credentials and token live in sessionStorage: kept for the tab, gone when it closes. */
export const session = {
  credentials(): Credentials | null {
    const raw = sessionStorage.getItem(CREDENTIALS_KEY);
    return raw ? (JSON.parse(raw) as Credentials) : null;
  },
  token: () => sessionStorage.getItem(TOKEN_KEY),
  save(credentials: Credentials, token: string) {
    sessionStorage.setItem(CREDENTIALS_KEY, JSON.stringify(credentials));
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear() {
    sessionStorage.removeItem(CREDENTIALS_KEY);
    sessionStorage.removeItem(TOKEN_KEY);
    for (const listener of signOutListeners) listener();
  },
};

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

export async function requestToken(credentials: Credentials): Promise<string> {
  const res = await fetch('/v1/auth/access_token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (!res.ok) throw await errorFrom(res);
  const body = (await res.json()) as { accessToken: string };
  return body.accessToken;
}

let renewing: Promise<string> | null = null;
/** One renewal at a time, however many requests hit 401 together. */
function renewToken(): Promise<string> {
  const credentials = session.credentials();
  if (!credentials) return Promise.reject(new ApiRequestError(401, 'unauthorized', 'Sign in'));
  renewing ??= requestToken(credentials)
    .then((token) => {
      session.save(credentials, token);
      return token;
    })
    .catch((err: unknown) => {
      session.clear();
      throw err;
    })
    .finally(() => {
      renewing = null;
    });
  return renewing;
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
 * Calls `/v1{path}` with the tab's token (renewed once on 401) and returns the parsed `{ok: true}`
 * envelope, or throws ApiRequestError carrying Port's error code and message.
 */
export async function apiRequest<T>(
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T> | null> {
  const send = (token: string | null) =>
    fetch(`/v1${path}${buildQuery(options.query)}`, {
      method: options.method ?? 'GET',
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        // Runs and changes made here are recorded with source UI (only for a person's token).
        ...(options.method && options.method !== 'GET' ? { 'x-runboard-source': 'UI' } : {}),
        ...(options.etag ? { 'if-none-match': options.etag } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  let res = await send(session.token());
  if (res.status === 401 && session.credentials()) res = await send(await renewToken());
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
