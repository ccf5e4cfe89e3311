import { useSuspenseQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { actionRunQueryOptions } from '../features/action-runs/api';
import { ActionRunPage } from '../features/action-runs/components/ActionRunPage';
import type { ActionRunSearch } from '../features/action-runs/search';

const route = getRouteApi('/_authed/actions/runs/$runId');

export function ActionRunRoute() {
  const { runId } = route.useParams();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const run = useSuspenseQuery(actionRunQueryOptions(runId)).data;
  const onSearchChange = (patch: Partial<ActionRunSearch>, options?: { replace?: boolean }) =>
    void navigate({
      search: (prev) => ({ ...prev, ...patch }),
      replace: options?.replace ?? false,
      // A view change (filter, node, tab, line) keeps the reader where they are on the page.
      resetScroll: false,
    });
  return <ActionRunPage run={run} search={search} onSearchChange={onSearchChange} />;
}
