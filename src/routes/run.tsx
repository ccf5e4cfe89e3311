import { createRoute, lazyRouteComponent, type ErrorComponentProps } from '@tanstack/react-router';
import {
  NotFoundPage,
  PageSkeleton,
  RouteError,
  missingAsNotFound,
} from '../components/RouteError';
import { ensureRunStore } from '../features/run-detail/run-store';
import { validateRunSearch } from '../features/run-detail/search';
import { workflowQueryOptions } from '../features/workflows/api';
import { ApiRequestError } from '../lib/api';
import { authedRoute } from './_authed';

export const runRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/runs/$runId',
  validateSearch: validateRunSearch,
  loader: async ({ context, params, location, preload }) => {
    // Navigating (not a hover's preload): the selected log's first lines are asked for too.
    const search = preload ? undefined : validateRunSearch(location.search);
    const run = await ensureRunStore(context.queryClient, params.runId, search).catch(
      missingAsNotFound,
    );
    // The header's title is a nicety: a deleted workflow must not hide its runs.
    await context.queryClient
      .ensureQueryData(workflowQueryOptions(run.workflowIdentifier))
      .catch(() => undefined);
  },
  pendingComponent: PageSkeleton,
  errorComponent: RunError,
  notFoundComponent: RunNotFound,
  // The run page (graph, log viewer, JSON inspector) loads on demand, off the first route's bundle.
  component: lazyRouteComponent(() => import('./run.page'), 'RunRoute'),
});

function RunNotFound() {
  const { runId } = runRoute.useParams();
  return (
    <NotFoundPage
      message={`Run ${runId} was not found — it may not exist or you may not have access.`}
    />
  );
}

function RunError(props: ErrorComponentProps) {
  const error = props.error;
  if (error instanceof ApiRequestError && (error.status === 404 || error.status === 422)) {
    return <RunNotFound />;
  }
  return <RouteError {...props} />;
}
