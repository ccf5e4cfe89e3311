import { Alert, Button, Group, Text } from '@mantine/core';
import { ApiRequestError } from '../lib/api';

/** The server said the person may not (403): trying again cannot help. */
export const isForbidden = (error: unknown) =>
  error instanceof ApiRequestError && error.status === 403;

/** What a person can do about an error: 403 and 404 explained, anything else retried. */
export function describeError(error: unknown): { title: string; message: string } {
  if (error instanceof ApiRequestError) {
    if (error.status === 403)
      return {
        title: 'You do not have access',
        message: `${error.message}. Ask an admin of this organization for access.`,
      };
    if (error.status === 404) return { title: 'Not found', message: error.message };
    if (error.status === 401) return { title: 'Signed out', message: 'Sign in again.' };
    return { title: 'The server answered with an error', message: error.message };
  }
  if (error instanceof TypeError)
    return { title: 'Cannot reach the server', message: 'Check your connection and retry.' };
  return {
    title: 'Something went wrong',
    message: error instanceof Error ? error.message : String(error),
  };
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { title, message } = describeError(error);
  return (
    <Alert color="red" variant="light" title={title} role="alert">
      <Group justify="space-between" align="center" wrap="nowrap">
        <Text size="sm">{message}</Text>
        {onRetry && !isForbidden(error) && (
          <Button size="xs" variant="default" onClick={onRetry}>
            Retry
          </Button>
        )}
      </Group>
    </Alert>
  );
}
