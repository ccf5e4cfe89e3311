export type RunTarget =
  | { kind: 'workflow-run'; id: string; search?: string }
  | { kind: 'action-run'; id: string; search?: string }
  | { kind: 'node-run'; id: string }
  /** A link to one of this dashboard's own pages: opened as it is. */
  | { kind: 'page'; href: string };

// Port's ids: a prefix and exactly 16 letters or digits (contract/common.ts `prefixedId`).
const RUN_ID = /(?<![A-Za-z0-9_])(wfr|wfnr|r)_[A-Za-z0-9]{16}(?![A-Za-z0-9])/;

/**
 * What a pasted text names: a link to a page of this dashboard (`origin`, the page's own), opened
 * as it is; else a bare id, or the first id inside it (a URL, a log line), so whatever a person
 * copied works. Null when it holds neither. A pasted link to a run's page on another address
 * keeps its query (`?node=build&line=42`): the view it was shared for.
 */
export function parseRunId(text: string, origin?: string): RunTarget | null {
  const url = urlOf(text);
  if (url && origin !== undefined && url.origin === origin && isPagePath(url.pathname)) {
    return { kind: 'page', href: `${url.pathname}${url.search}${url.hash}` };
  }
  const match = RUN_ID.exec(text.trim());
  if (!match) return null;
  const id = match[0];
  switch (match[1]) {
    case 'wfr':
      return withSearch({ kind: 'workflow-run' as const, id }, url, `/runs/${id}`);
    case 'wfnr':
      return { kind: 'node-run', id };
    default:
      return withSearch({ kind: 'action-run' as const, id }, url, `/actions/runs/${id}`);
  }
}

function urlOf(text: string): URL | null {
  try {
    return new URL(text.trim());
  } catch {
    return null;
  }
}

/**
 * The dashboard's pages, not the API (/v1), the health check, a built asset or a file at the root
 * (`/favicon.svg`); a page's own segments may hold dots (an entity `api.v2`).
 */
const isPagePath = (path: string) =>
  !/^\/(v1|healthz|assets)(\/|$)/.test(path) && !/^\/[^/]*\.[a-z0-9]+$/i.test(path);

function withSearch<T extends { id: string }>(
  target: T,
  url: URL | null,
  page: string,
): T & { search?: string } {
  return url && url.pathname === page && url.search ? { ...target, search: url.search } : target;
}

/**
 * The dashboard's page of a run whose id is known to be one (from the API, not pasted text), by
 * its prefix: a workflow run's or an action run's; null for anything else.
 */
export function runPageOf(runId: string): '/runs/$runId' | '/actions/runs/$runId' | null {
  if (runId.startsWith('wfr_')) return '/runs/$runId';
  if (runId.startsWith('r_')) return '/actions/runs/$runId';
  return null;
}
