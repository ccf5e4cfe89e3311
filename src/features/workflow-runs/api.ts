import { infiniteQueryOptions, queryOptions, type Query } from '@tanstack/react-query';
import type { RunIdOnly, WorkflowRunSummary } from '../../../contract/workflows';
import { api } from '../../lib/api';
import { PAGE_SIZE, PROBE_SIZE } from '../../lib/newest-first-list';
import { conditionalGet, pollInterval, probeInterval, unchangedPolls } from '../../lib/polling';
import { runsQueryParams, type RunsPage } from './model';
import type { RunFilters } from './search';

export const runKeys = {
  all: ['workflow-runs'] as const,
  /** `workflowId` undefined: the runs of every workflow (`/runs`). */
  list: (workflowId: string | undefined, filters: RunFilters) =>
    [...runKeys.all, 'list', workflowId ?? '*', filters] as const,
  probe: (workflowId: string | undefined, filters: RunFilters) =>
    [...runKeys.all, 'probe', workflowId ?? '*', filters] as const,
  live: (ids: string[]) => [...runKeys.all, 'live', ids] as const,
};

/**
 * Pages by cursor, newest first. Loaded pages are never refetched on their own: in-progress rows
 * are refreshed by `liveRunsQueryOptions` and new runs are announced by `newRunsProbeOptions`.
 */
export const runsInfiniteQueryOptions = (workflowId: string | undefined, filters: RunFilters) =>
  infiniteQueryOptions({
    queryKey: runKeys.list(workflowId, filters),
    queryFn: ({ pageParam, signal }) =>
      api<RunsPage>('/workflows/runs', {
        query: {
          ...runsQueryParams(workflowId, filters, Date.now()),
          view: 'summary',
          limit: PAGE_SIZE,
          cursor: pageParam,
        },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: Infinity,
  });

/** The newest few runs matching the filters, polled (visible tab only) to count new ones. */
export const newRunsProbeOptions = (workflowId: string | undefined, filters: RunFilters) =>
  queryOptions({
    queryKey: runKeys.probe(workflowId, filters),
    queryFn: ({ queryKey, signal }) =>
      conditionalGet<{ workflowRuns: RunIdOnly[] }>(queryKey, '/workflows/runs', {
        // [ext] identifiers and times only: the same body (a 304) until a run starts.
        query: {
          ...runsQueryParams(workflowId, filters, Date.now()),
          view: 'ids',
          limit: PROBE_SIZE,
        },
        signal,
      }).then((b) => b.workflowRuns),
    refetchInterval: (query: Query<RunIdOnly[], Error, RunIdOnly[], readonly unknown[]>) =>
      probeInterval(query.queryHash),
    refetchIntervalInBackground: false,
    staleTime: 0,
  });

/** Only the displayed runs that are still in progress, by id; finished rows are never refetched. */
export const liveRunsQueryOptions = (ids: string[]) =>
  queryOptions({
    queryKey: runKeys.live(ids),
    queryFn: ({ queryKey, signal }) =>
      conditionalGet<RunsPage>(queryKey, '/workflows/runs', {
        query: { workflowRunIdentifiers: ids, view: 'summary', limit: ids.length },
        signal,
      }).then((b) => b.workflowRuns),
    enabled: ids.length > 0,
    refetchInterval: (
      query: Query<WorkflowRunSummary[], Error, WorkflowRunSummary[], readonly unknown[]>,
    ) => pollInterval(unchangedPolls(query.queryHash)),
    refetchIntervalInBackground: false,
    staleTime: 0,
  });

const runsOf = (page: RunsPage) => page.workflowRuns;

/**
 * The runs list and its probe as a newest-first list (useNewestFirstList). Not newestFirstList's:
 * the probe asks for identifiers and times only ([ext] `view=ids`), a body that stays the same
 * (a 304) until a run starts, and the list for summaries.
 */
export const runsList = (workflowId: string | undefined, filters: RunFilters) => ({
  pages: runsInfiniteQueryOptions(workflowId, filters),
  probe: newRunsProbeOptions(workflowId, filters),
  items: runsOf,
});
