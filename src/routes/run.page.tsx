import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useCallback } from 'react';
import { RunDetailPage } from '../features/run-detail/components/RunDetailPage';
import { useRunStore } from '../features/run-detail/run-store';
import type { RunSearch } from '../features/run-detail/search';
import { workflowQueryOptions } from '../features/workflows/api';
import { ApiRequestError } from '../lib/api';
import { withoutLogSearch } from '../lib/log-search';

const route = getRouteApi('/_authed/runs/$runId');

export function RunRoute() {
  const { runId } = route.useParams();
  // Not the log viewer's fields: a level chip or a search re-renders the viewer (it reads them
  // itself), not the page with its graph, timeline and controls.
  const search = route.useSearch({ select: withoutLogSearch, structuralSharing: true });
  const navigate = route.useNavigate();
  const { run, graph, refreshFailed } = useRunStore(runId);
  const workflow = useQuery({ ...workflowQueryOptions(run.workflowIdentifier), retry: false });
  // Deleted since the run: its runs are kept, the workflow's page is gone.
  const workflowDeleted =
    workflow.error instanceof ApiRequestError && workflow.error.status === 404;
  const onSearchChange = useCallback(
    (patch: Partial<RunSearch>, options?: { replace?: boolean }) =>
      void navigate({
        search: (prev) => ({ ...prev, ...patch }),
        replace: options?.replace ?? false,
        // A view change (filter, node, tab, line) keeps the reader where they are on the page.
        resetScroll: false,
      }),
    [navigate],
  );
  return (
    <RunDetailPage
      run={run}
      graph={graph}
      workflow={workflow.data}
      workflowDeleted={workflowDeleted}
      search={search}
      onSearchChange={onSearchChange}
      refreshFailed={refreshFailed}
    />
  );
}
