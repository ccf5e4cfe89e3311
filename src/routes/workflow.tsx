import { createRoute, lazyRouteComponent, type ErrorComponentProps } from '@tanstack/react-router';
import { NotFoundPage, PageSkeleton, RouteError } from '../components/RouteError';
import { runsSearchShape } from '../features/workflow-runs/search';
import { trendsSearchShape } from '../features/workflow-trends/search';
import { workflowQueryOptions } from '../features/workflows/api';
import { ApiRequestError } from '../lib/api';
import { searchSchema } from '../lib/search-params';
import { authedRoute } from './_authed';

export const workflowRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/workflows/$workflowId',
  validateSearch: searchSchema({ ...runsSearchShape, ...trendsSearchShape }),
  loader: ({ context, params }) =>
    context.queryClient.ensureQueryData(workflowQueryOptions(params.workflowId)),
  pendingComponent: PageSkeleton,
  errorComponent: WorkflowError,
  component: lazyRouteComponent(() => import('./workflow.page'), 'WorkflowRoute'),
});

function WorkflowError(props: ErrorComponentProps) {
  const { workflowId } = workflowRoute.useParams();
  if (props.error instanceof ApiRequestError && props.error.status === 404) {
    return (
      <NotFoundPage
        message={`Workflow ${workflowId} was not found — it may not exist or you may not have access.`}
      />
    );
  }
  return <RouteError {...props} />;
}
