import { Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Stack align="center" gap="xs" py="xl">
      <Title order={4}>{title}</Title>
      {children && (
        <Text c="dimmed" size="sm" ta="center" maw={480}>
          {children}
        </Text>
      )}
    </Stack>
  );
}
