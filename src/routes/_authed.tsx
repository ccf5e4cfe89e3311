import { createRoute, redirect } from '@tanstack/react-router';
import { meQueryOptions } from '../features/auth/api';
import { ApiRequestError } from '../lib/api';
import { usersQueryOptions } from '../lib/users';
import { AppLayout } from './_authed.layout';
import { rootRoute } from './__root';

/** Every page but sign-in: without a session, go sign in and come back here afterwards. */
export const authedRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_authed',
  beforeLoad: async ({ location, context }) => {
    try {
      await context.queryClient.ensureQueryData(meQueryOptions());
      // The shell's account name and every page's user names read the directory: asked for
      // now, with the page's own requests, instead of by the shell's first commit.
      void context.queryClient.prefetchQuery(usersQueryOptions());
    } catch (err) {
      if (err instanceof ApiRequestError && err.status === 401) {
        throw redirect({ to: '/sign-in', search: { redirect: location.href } });
      }
      throw err;
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
