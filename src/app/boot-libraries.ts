/**
 * main.tsx's first stage, imported for its evaluation (the exports are not used, but they make
 * the chunk evaluate these modules): React DOM and the libraries every page renders with
 * (Mantine's provider and layout, TanStack Router and Query), in a task of their own before the
 * app's code.
 */
export { createRoot } from 'react-dom/client';
export { AppShell, Box, MantineProvider } from '@mantine/core';
export { QueryClientProvider } from '@tanstack/react-query';
export { RouterProvider } from '@tanstack/react-router';
