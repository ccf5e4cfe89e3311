import { useSuspenseQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { entityQueryOptions } from '../features/entities/api';
import { EntityPage } from '../features/entities/components/EntityPage';
import type { EntitySearch } from '../features/entities/search';

const route = getRouteApi('/_authed/entities/$blueprint/$entityId');

export function EntityRoute() {
  const { blueprint, entityId } = route.useParams();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const entity = useSuspenseQuery(entityQueryOptions(blueprint, entityId)).data;
  const onSearchChange = (patch: Partial<EntitySearch>) =>
    void navigate({ search: (prev) => ({ ...prev, ...patch }), replace: true, resetScroll: false });
  return <EntityPage entity={entity} search={search} onSearchChange={onSearchChange} />;
}
