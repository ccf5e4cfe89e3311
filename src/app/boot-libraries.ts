/**
 * main.tsx's first stage: React DOM and the libraries every page renders with (Mantine's
 * provider and layout, TanStack Router and Query), evaluated in a task of their own before the
 * app's code.
 */
export { createRoot } from 'react-dom/client';
export { AppShell, Box, MantineProvider } from '@mantine/core';
export { QueryClientProvider } from '@tanstack/react-query';
export { RouterProvider } from '@tanstack/react-router';
