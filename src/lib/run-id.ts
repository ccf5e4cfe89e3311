export type RunTarget =
  | { kind: 'workflow-run'; id: string; search?: string }
  | { kind: 'action-run'; id: string; search?: string }
  | { kind: 'node-run'; id: string };

// Port's ids: a prefix and exactly 16 letters or digits (contract/common.ts `prefixedId`).
const RUN_ID = /(?<![A-Za-z0-9_])(wfr|wfnr|r)_[A-Za-z0-9]{16}(?![A-Za-z0-9])/;

/**
 * The run a pasted text names: a bare id, or the first id inside it (a URL, a log line), so
 * whatever a person copied works. Null when it holds no run id. A pasted link to the run's page
 * keeps its query (`?node=build&line=42`): the view it was shared for.
 */
export function parseRunId(text: string): RunTarget | null {
  const match = RUN_ID.exec(text.trim());
  if (!match) return null;
  const id = match[0];
  switch (match[1]) {
    case 'wfr':
      return withSearch({ kind: 'workflow-run' as const, id }, text, `/runs/${id}`);
    case 'wfnr':
      return { kind: 'node-run', id };
    default:
      return withSearch({ kind: 'action-run' as const, id }, text, `/actions/runs/${id}`);
  }
}

function withSearch<T extends { id: string }>(
  target: T,
  text: string,
  page: string,
): T & { search?: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return target;
  }
  return url.pathname === page && url.search ? { ...target, search: url.search } : target;
}
