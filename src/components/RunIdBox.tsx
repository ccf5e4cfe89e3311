import { TextInput, type StyleProp } from '@mantine/core';
import { queryOptions, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type CSSProperties } from 'react';
import type { NodeRunAlone } from '../../contract/workflows';
import { api, ApiRequestError } from '../lib/api';
import { parseRunId } from '../lib/run-id';

const WHAT = 'Paste a run id (wfr_…, wfnr_… or r_…) or a link';

/** `GET /workflows/nodes/runs/{wfnr}`: which run a node run belongs to never changes. */
const nodeRunQueryOptions = (id: string) =>
  queryOptions({
    queryKey: ['node-run', id] as const,
    queryFn: ({ signal }) =>
      api<{ nodeRun: NodeRunAlone }>(`/workflows/nodes/runs/${id}`, { signal }).then(
        (b) => b.nodeRun,
      ),
    staleTime: Infinity,
    retry: false,
  });

/** The run a node run belongs to, or the message to show instead. */
async function runOfNodeRun(
  client: QueryClient,
  id: string,
): Promise<{ run: string } | { error: string }> {
  try {
    const nodeRun = await client.fetchQuery(nodeRunQueryOptions(id));
    return { run: nodeRun.workflowRunIdentifier };
  } catch (e) {
    if (e instanceof ApiRequestError && e.status === 404) {
      return { error: `Node run ${id} was not found` };
    }
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * "Go to run": paste a workflow run id (`wfr_…`), a node run id (`wfnr_…`: its run opens with
 * that node selected), an action run id (`r_…`), a link holding one, or a link to any page of
 * this dashboard; press Enter and land there. An id nobody knows lands on the run page's
 * not-found (a node run's, whose run must be asked for first, is answered in the box).
 */
export function RunIdBox({
  onDone,
  w,
}: {
  onDone?: () => void;
  w?: StyleProp<CSSProperties['width']>;
}) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [looking, setLooking] = useState(false);
  const done = () => {
    setText('');
    setError(null);
    onDone?.();
  };
  return (
    <form
      role="search"
      aria-label="Go to run"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim() === '' || looking) return;
        const target = parseRunId(text, window.location.origin);
        if (!target) {
          setError(WHAT);
          return;
        }
        if (target.kind === 'node-run') {
          setLooking(true);
          void runOfNodeRun(client, target.id).then((found) => {
            setLooking(false);
            if ('error' in found) {
              setError(found.error);
              return;
            }
            done();
            void navigate({
              to: '/runs/$runId',
              params: { runId: found.run },
              search: { node: target.id },
            });
          });
          return;
        }
        done();
        if (target.kind === 'page') {
          void navigate({ href: target.href });
        } else if (target.search) {
          const page = target.kind === 'workflow-run' ? '/runs/' : '/actions/runs/';
          void navigate({ href: `${page}${target.id}${target.search}` });
        } else if (target.kind === 'workflow-run') {
          void navigate({ to: '/runs/$runId', params: { runId: target.id } });
        } else {
          void navigate({ to: '/actions/runs/$runId', params: { runId: target.id } });
        }
      }}
    >
      <TextInput
        aria-label="Run id"
        placeholder="Go to run: wfr_/r_…"
        size="xs"
        w={w}
        value={text}
        spellCheck={false}
        autoComplete="off"
        readOnly={looking}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        onChange={(e) => {
          setText(e.currentTarget.value);
          setError(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setText('');
            setError(null);
          }
        }}
        error={error}
        // The header is 56 px tall: the message floats below the box instead of growing it.
        errorProps={{ style: { position: 'absolute', whiteSpace: 'nowrap' } }}
      />
    </form>
  );
}
