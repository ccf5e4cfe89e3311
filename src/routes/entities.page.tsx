import { getRouteApi } from '@tanstack/react-router';
import { EntitiesPage } from '../features/entities/components/EntitiesPage';
import type { EntitiesSearch } from '../features/entities/search';

const route = getRouteApi('/_authed/entities');

export function EntitiesRoute() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const onSearchChange = (patch: Partial<EntitiesSearch>) =>
    void navigate({ search: (prev) => ({ ...prev, ...patch }), replace: true, resetScroll: false });
  return <EntitiesPage search={search} onSearchChange={onSearchChange} />;
}
