import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { searchSchema, textParam } from '../lib/search-params';
import { rootRoute } from './__root';

export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: searchSchema({ redirect: textParam(2000), error: textParam(300) }),
  component: lazyRouteComponent(() => import('./sign-in.page'), 'SignInRoute'),
});
