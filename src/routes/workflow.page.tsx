import { useSuspenseQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { workflowQueryOptions } from '../features/workflows/api';
import { WorkflowLayout } from '../features/workflows/components/WorkflowLayout';
import { RunsTab } from '../features/workflow-runs/components/RunsTab';
import type { RunFilters } from '../features/workflow-runs/search';
import { TrendsTab } from '../features/workflow-trends/components/TrendsTab';
import type { TrendsSearch } from '../features/workflow-trends/search';

const route = getRouteApi('/_authed/workflows/$workflowId');

export function WorkflowRoute() {
  const { workflowId } = route.useParams();
  const { tab = 'runs', trendRange, nodeSort, trendView, ...filters } = route.useSearch();
  const navigate = route.useNavigate();
  const workflow = useSuspenseQuery(workflowQueryOptions(workflowId)).data;
  const patchSearch = (patch: Partial<RunFilters & TrendsSearch>) =>
    void navigate({ search: (prev) => ({ ...prev, ...patch }), replace: true, resetScroll: false });
  return (
    <WorkflowLayout
      workflow={workflow}
      tab={tab}
      onTabChange={(next) =>
        void navigate({
          search: (prev) => ({ ...prev, tab: next === 'runs' ? undefined : next }),
          resetScroll: false,
        })
      }
      runs={<RunsTab workflowId={workflowId} filters={filters} onFiltersChange={patchSearch} />}
      trends={
        <TrendsTab
          workflowId={workflowId}
          search={{ trendRange, nodeSort, trendView }}
          onSearchChange={patchSearch}
          onNodeFailures={(failedNode) =>
            void navigate({
              // A fresh runs list: only this node's failures, every other filter cleared.
              search: (prev) => ({ trendRange: prev.trendRange, failedNode }),
            })
          }
        />
      }
    />
  );
}
