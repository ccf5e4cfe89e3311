import { createRoute, lazyRouteComponent, type ErrorComponentProps } from '@tanstack/react-router';
import { NotFoundPage, PageSkeleton, RouteError } from '../components/RouteError';
import { entityQueryOptions } from '../features/entities/api';
import { validateEntitySearch } from '../features/entities/search';
import { ApiRequestError } from '../lib/api';
import { authedRoute } from './_authed';

export const entityRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/entities/$blueprint/$entityId',
  validateSearch: validateEntitySearch,
  loader: ({ context, params }) =>
    context.queryClient.ensureQueryData(entityQueryOptions(params.blueprint, params.entityId)),
  pendingComponent: PageSkeleton,
  errorComponent: EntityError,
  component: lazyRouteComponent(() => import('./entity.page'), 'EntityRoute'),
});

function EntityError(props: ErrorComponentProps) {
  const { blueprint, entityId } = entityRoute.useParams();
  const error = props.error;
  if (error instanceof ApiRequestError && (error.status === 404 || error.status === 422)) {
    return (
      <NotFoundPage
        message={`Entity ${entityId} of ${blueprint} was not found — it may not exist or may have been deleted.`}
      />
    );
  }
  return <RouteError {...props} />;
}
