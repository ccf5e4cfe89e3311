import { getRouteApi } from '@tanstack/react-router';
import { ActionRunsPage } from '../features/action-runs/components/ActionRunsPage';
import type { ActionRunFilters } from '../features/action-runs/search';

const route = getRouteApi('/_authed/actions/runs');

export function ActionRunsRoute() {
  const filters = route.useSearch();
  const navigate = route.useNavigate();
  const onFiltersChange = (patch: Partial<ActionRunFilters>) =>
    void navigate({ search: (prev) => ({ ...prev, ...patch }), replace: true, resetScroll: false });
  return <ActionRunsPage filters={filters} onFiltersChange={onFiltersChange} />;
}
