import {
  useQuery,
  useQueryClient,
  useSuspenseQuery,
  type QueryClient,
} from '@tanstack/react-query';
import { useCallback } from 'react';
import type { WorkflowRunSummary } from '../../../contract/workflows';
import { logKeys, openLog } from '../../components/log-viewer';
import { logStateFromSearch } from '../../lib/log-search';
import { runDetailKeys, runDetailQueryOptions, workflowVersionQueryOptions } from './api';
import { latestNodeRunByNode, shownNode } from './model';
import type { RunSearch } from './search';

/**
 * The run page's one store: the run (polled by lib/polling's policy until it finishes) and the
 * graph of the workflow version it ran on. The header, graph, timeline and log views all read
 * this run; the log views poll their lines by the same policy and are invalidated with the run.
 */
export function useRunStore(runId: string) {
  const runQuery = useSuspenseQuery(runDetailQueryOptions(runId));
  const run = runQuery.data;
  const version = useQuery(
    workflowVersionQueryOptions(run.workflowIdentifier, run.workflow.version),
  );
  return {
    run,
    /** Undefined while loading, or when the version's graph is gone (runs from before 0002). */
    graph: version.data,
    /** The last refresh failed; polling goes on at the slow interval. */
    refreshFailed: runQuery.isRefetchError,
  };
}

/**
 * For the route's loader: the run, and its version's graph if there is one. Given the page's
 * search (a navigation, not a preload), the selected log's first lines are asked for as soon as
 * the run is known: they arrive while the page's code loads and renders.
 */
export async function ensureRunStore(
  client: QueryClient,
  runId: string,
  search?: RunSearch,
): Promise<WorkflowRunSummary> {
  const run = await client.ensureQueryData(runDetailQueryOptions(runId));
  if (search) openSelectedLog(run, search);
  await client
    .ensureQueryData(workflowVersionQueryOptions(run.workflowIdentifier, run.workflow.version))
    .catch(() => undefined);
  return run;
}

/**
 * After a write the page did not wait to see (a mark, a cancel): fetch the run again and poll
 * its open log views once more (the node's and the whole run's), which is how the server's
 * "Marked … by …" line shows even though the node stopped being live.
 */
export function useRefreshRun(runId: string) {
  const client = useQueryClient();
  return useCallback(
    (nodeRunId?: string) =>
      Promise.all([
        client.invalidateQueries({ queryKey: runDetailKeys.detail(runId) }),
        client.invalidateQueries({ queryKey: logKeys.source({ runId }) }),
        ...(nodeRunId
          ? [client.invalidateQueries({ queryKey: logKeys.source({ nodeRunId }) })]
          : []),
      ]),
    [client, runId],
  );
}

/**
 * Opens the log the run page's Logs tab shows first (RunDetailPage's selection: the node in the
 * URL or the default one, or all nodes), as its viewer will. Not a search's: those are the
 * viewer's to start.
 */
function openSelectedLog(run: WorkflowRunSummary, search: RunSearch) {
  if ((search.tab ?? 'logs') !== 'logs' || search.q) return;
  const node = search.scope === 'all' ? null : shownNode(run.nodeRuns, search.node, null);
  const nodeRun = node ? latestNodeRunByNode(run.nodeRuns).get(node) : undefined;
  if (node && !nodeRun) return;
  const live = nodeRun ? nodeRun.status === 'IN_PROGRESS' : run.status !== 'COMPLETED';
  const source = nodeRun ? { nodeRunId: nodeRun.identifier } : { runId: run.identifier };
  void openLog(source, logStateFromSearch(search, live), live);
}
