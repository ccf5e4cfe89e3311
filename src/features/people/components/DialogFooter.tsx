import { Alert, Button, Group } from '@mantine/core';
import { describeError } from '../../../components/ErrorState';

interface Props {
  /** The server's refusal of the last submit, shown above the buttons. */
  error: Error | null;
  /** What failed, e.g. "Could not add". */
  errorTitle: string;
  submitLabel: string;
  pending: boolean;
  onCancel: () => void;
}

/** The end of a people or credentials dialog: the refusal if any, then Cancel and submit. */
export function DialogFooter({ error, errorTitle, submitLabel, pending, onCancel }: Props) {
  return (
    <>
      {error && (
        <Alert color="red" variant="light" role="alert" title={errorTitle}>
          {describeError(error).message}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" loading={pending}>
          {submitLabel}
        </Button>
      </Group>
    </>
  );
}
