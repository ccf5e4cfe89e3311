import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { PageSkeleton, RouteError } from '../components/RouteError';
import { validateCompareSearch } from '../features/run-compare/search';
import { authedRoute } from './_authed';

/** `/runs/compare?a=…&b=…`: a static segment, so it wins over `/runs/$runId`. */
export const compareRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/runs/compare',
  validateSearch: validateCompareSearch,
  pendingComponent: PageSkeleton,
  errorComponent: RouteError,
  component: lazyRouteComponent(() => import('./compare.page'), 'CompareRoute'),
});
