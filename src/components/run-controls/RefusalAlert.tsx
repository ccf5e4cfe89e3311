import { Alert } from '@mantine/core';

/** A manual act the server refused, in its own words; the page already shows the server's state. */
export function RefusalAlert({ message, onClose }: { message: string; onClose: () => void }) {
  return (
    <Alert
      color="red"
      variant="light"
      title="Not done"
      role="alert"
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onClose}
    >
      {message}
    </Alert>
  );
}
