import { createRoute, redirect } from '@tanstack/react-router';
import { AppLayout } from './_authed.layout';
import { session } from '../lib/api';
import { rootRoute } from './__root';

/** Every page but sign-in: without a session, go sign in and come back here afterwards. */
export const authedRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_authed',
  beforeLoad: ({ location }) => {
    if (!session.token()) {
      throw redirect({ to: '/sign-in', search: { redirect: location.href } });
    }
  },
  component: AppLayout,
});

export const indexRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/workflows' });
  },
});
