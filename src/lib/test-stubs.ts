import { vi } from 'vitest';

/** A tab's sessionStorage for tests in Node (which has none). */
export function stubSessionStorage() {
  const items = new Map<string, string>();
  vi.stubGlobal('sessionStorage', {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  });
}

export interface SeenRequest {
  path: string;
  search: URLSearchParams;
  ifNoneMatch: string | null;
}

/**
 * Stands in for the network: answers each `/v1` request with `answer(request)` (a JSON body, or
 * 304 when it returns null) and records what was asked.
 */
export function stubNetwork(
  answer: (request: SeenRequest) => { body: unknown; etag?: string } | null,
) {
  const seen: SeenRequest[] = [];
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
    const parsed = new URL(url, 'http://runboard.test');
    const request = {
      path: parsed.pathname,
      search: parsed.searchParams,
      ifNoneMatch: new Headers(init?.headers).get('if-none-match'),
    };
    seen.push(request);
    const res = answer(request);
    return Promise.resolve(
      res === null
        ? new Response(null, { status: 304 })
        : new Response(JSON.stringify(res.body), {
            headers: {
              'content-type': 'application/json',
              ...(res.etag ? { etag: res.etag } : {}),
            },
          }),
    );
  });
  return seen;
}
