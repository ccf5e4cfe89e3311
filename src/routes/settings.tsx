import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { authedRoute } from './_authed';

export const peopleRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/settings/people',
  component: lazyRouteComponent(
    () => import('../features/people/components/PeoplePage'),
    'PeoplePage',
  ),
});

export const credentialsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/settings/credentials',
  component: lazyRouteComponent(
    () => import('../features/people/components/CredentialsPage'),
    'CredentialsPage',
  ),
});
