import { createRoute, lazyRouteComponent, type ErrorComponentProps } from '@tanstack/react-router';
import { NotFoundPage, PageSkeleton, RouteError } from '../components/RouteError';
import { actionRunQueryOptions } from '../features/action-runs/api';
import { validateActionRunSearch } from '../features/action-runs/search';
import { ApiRequestError } from '../lib/api';
import { authedRoute } from './_authed';

export const actionRunRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/actions/runs/$runId',
  validateSearch: validateActionRunSearch,
  loader: ({ context, params }) =>
    context.queryClient.ensureQueryData(actionRunQueryOptions(params.runId)),
  pendingComponent: PageSkeleton,
  errorComponent: ActionRunError,
  component: lazyRouteComponent(() => import('./action-run.page'), 'ActionRunRoute'),
});

function ActionRunError(props: ErrorComponentProps) {
  const { runId } = actionRunRoute.useParams();
  const error = props.error;
  if (error instanceof ApiRequestError && (error.status === 404 || error.status === 422)) {
    return (
      <NotFoundPage
        message={`Action run ${runId} was not found — it may not exist or you may not have access.`}
      />
    );
  }
  return <RouteError {...props} />;
}
