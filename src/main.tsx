import './app/mantine-styles';
import './app/contrast.css';
import { MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient } from './app/query-client';
import { createAppRouter } from './app/router';
import { theme } from './app/theme';
import { onSignOut } from './lib/api';

const queryClient = createQueryClient();
const router = createAppRouter(queryClient);

// Sign-out, or credentials that no longer work: forget everything and go to sign-in.
onSignOut(() => {
  queryClient.clear();
  const here = router.state.location;
  void router.navigate({
    to: '/sign-in',
    search: { redirect: here.pathname === '/sign-in' ? undefined : here.href },
  });
});

const app = (
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>
);

/**
 * The first page is loaded (its routes' loaders and lazy component) before anything renders, and
 * then rendered in a transition: React renders it in ~5 ms slices instead of one long task. A
 * router that renders before it has loaded commits the page through useSyncExternalStore when
 * its loaders finish, an update React never time-slices: the app shell, the page's header and
 * their Mantine components in one task (31–46 ms of render at this machine's load, more with
 * the commit). Nothing was on screen before the loaders finished either (the router shows its
 * pending component after 1 s): after 1 s the app renders anyway, and the load goes on there.
 */
const root = createRoot(document.getElementById('root')!);
let rendered = false;
const render = () => {
  if (rendered) return;
  rendered = true;
  startTransition(() => root.render(app));
};
const slowLoad = setTimeout(render, 1000);
void router
  .load()
  .catch(() => undefined)
  .finally(() => {
    clearTimeout(slowLoad);
    render();
  });
