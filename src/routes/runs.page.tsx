import { getRouteApi } from '@tanstack/react-router';
import { AllRunsPage } from '../features/workflow-runs/components/AllRunsPage';
import type { AllRunsSearch } from '../features/workflow-runs/search';

const route = getRouteApi('/_authed/runs');

export function RunsRoute() {
  const filters = route.useSearch();
  const navigate = route.useNavigate();
  const onFiltersChange = (patch: Partial<AllRunsSearch>) =>
    void navigate({ search: (prev) => ({ ...prev, ...patch }), replace: true, resetScroll: false });
  return <AllRunsPage filters={filters} onFiltersChange={onFiltersChange} />;
}
