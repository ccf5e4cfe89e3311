import { Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * Why a list or panel shows nothing. Its title is a heading one level below the section it is in
 * (`order`: 2 under the page's h1, 3 inside a section titled by an h2), drawn the same size
 * either way.
 */
export function EmptyState({
  title,
  order = 2,
  children,
}: {
  title: string;
  order?: 2 | 3;
  children?: ReactNode;
}) {
  return (
    <Stack align="center" gap="xs" py="xl">
      <Title order={order} size="h4">
        {title}
      </Title>
      {children && (
        <Text c="dimmed" size="sm" ta="center" maw={480}>
          {children}
        </Text>
      )}
    </Stack>
  );
}
