import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { validateAllRunsSearch } from '../features/workflow-runs/search';
import { authedRoute } from './_authed';

export const runsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/runs',
  validateSearch: validateAllRunsSearch,
  component: lazyRouteComponent(() => import('./runs.page'), 'RunsRoute'),
});
