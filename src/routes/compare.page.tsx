import { getRouteApi } from '@tanstack/react-router';
import { ComparePage } from '../features/run-compare/components/ComparePage';
import type { CompareSearch } from '../features/run-compare/search';

const route = getRouteApi('/_authed/runs/compare');

export function CompareRoute() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  return (
    <ComparePage
      search={search}
      onSearchChange={(patch: Partial<CompareSearch>) =>
        void navigate({
          search: (prev) => ({ ...prev, ...patch }),
          replace: true,
          resetScroll: false,
        })
      }
    />
  );
}
