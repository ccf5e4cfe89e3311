import '@mantine/core/styles.css';
import './app/contrast.css';
import { MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
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

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
