import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { validateActionRunsSearch } from '../features/action-runs/search';
import { authedRoute } from './_authed';

export const actionRunsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/actions/runs',
  validateSearch: validateActionRunsSearch,
  component: lazyRouteComponent(() => import('./action-runs.page'), 'ActionRunsRoute'),
});
