import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { runDetailQueryOptions } from '../features/run-detail/api';
import { RunDetailPage } from '../features/run-detail/components/RunDetailPage';
import type { RunSearch } from '../features/run-detail/search';
import { workflowQueryOptions } from '../features/workflows/api';

const route = getRouteApi('/_authed/runs/$runId');

export function RunRoute() {
  const { runId } = route.useParams();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const runQuery = useSuspenseQuery(runDetailQueryOptions(runId));
  const run = runQuery.data;
  const workflow = useQuery({ ...workflowQueryOptions(run.workflowIdentifier), retry: false });
  const onSearchChange = (patch: Partial<RunSearch>, options?: { replace?: boolean }) =>
    void navigate({
      search: (prev) => ({ ...prev, ...patch }),
      replace: options?.replace ?? false,
    });
  return (
    <RunDetailPage
      run={run}
      workflow={workflow.data}
      search={search}
      onSearchChange={onSearchChange}
      refreshFailed={runQuery.isRefetchError}
    />
  );
}
