import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { validateEntitiesSearch } from '../features/entities/search';
import { authedRoute } from './_authed';

export const entitiesRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/entities',
  validateSearch: validateEntitiesSearch,
  component: lazyRouteComponent(() => import('./entities.page'), 'EntitiesRoute'),
});
