import { createRoute, lazyRouteComponent, type ErrorComponentProps } from '@tanstack/react-router';
import {
  NotFoundPage,
  PageSkeleton,
  RouteError,
  missingAsNotFound,
} from '../components/RouteError';
import { actionRunQueryOptions } from '../features/action-runs/api';
import { validateActionRunSearch } from '../features/action-runs/search';
import { ApiRequestError } from '../lib/api';
import { authedRoute } from './_authed';

export const actionRunRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/actions/runs/$runId',
  validateSearch: validateActionRunSearch,
  loader: ({ context, params }) =>
    context.queryClient
      .ensureQueryData(actionRunQueryOptions(params.runId))
      .catch(missingAsNotFound),
  pendingComponent: PageSkeleton,
  errorComponent: ActionRunError,
  notFoundComponent: ActionRunNotFound,
  component: lazyRouteComponent(() => import('./action-run.page'), 'ActionRunRoute'),
});

function ActionRunNotFound() {
  const { runId } = actionRunRoute.useParams();
  return (
    <NotFoundPage
      message={`Action run ${runId} was not found — it may not exist or you may not have access.`}
    />
  );
}

function ActionRunError(props: ErrorComponentProps) {
  const error = props.error;
  if (error instanceof ApiRequestError && (error.status === 404 || error.status === 422)) {
    return <ActionRunNotFound />;
  }
  return <RouteError {...props} />;
}
