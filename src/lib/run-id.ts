export type RunTarget =
  | { kind: 'workflow-run'; id: string }
  | { kind: 'action-run'; id: string }
  | { kind: 'node-run'; id: string };

// Port's ids: a prefix and exactly 16 letters or digits (contract/common.ts `prefixedId`).
const RUN_ID = /(?<![A-Za-z0-9_])(wfr|wfnr|r)_[A-Za-z0-9]{16}(?![A-Za-z0-9])/;

/**
 * The run a pasted text names: a bare id, or the first id inside it (a URL, a log line), so
 * whatever a person copied works. Null when it holds no run id.
 */
export function parseRunId(text: string): RunTarget | null {
  const match = RUN_ID.exec(text.trim());
  if (!match) return null;
  const id = match[0];
  switch (match[1]) {
    case 'wfr':
      return { kind: 'workflow-run', id };
    case 'wfnr':
      return { kind: 'node-run', id };
    default:
      return { kind: 'action-run', id };
  }
}
