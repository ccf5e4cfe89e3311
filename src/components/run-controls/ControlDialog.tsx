import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { REASON_MAX_LENGTH } from '../../../contract/common';
import { OnceOpened } from '../OnceOpened';

interface Props {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** Says exactly what confirming does, e.g. "Mark FAILED" or "Cancel run". */
  confirmLabel: string;
  confirmColor?: string;
  /** Whether the reason must be given (it always may be). */
  reasonRequired: boolean;
  /** The act's own fields, above the reason. */
  children?: ReactNode;
  /** What will follow once confirmed. */
  preview: ReactNode;
  /** Why confirming is not possible yet (an invalid field), shown by the fields themselves. */
  invalid?: boolean;
  onConfirm: (reason: string) => void;
}

/**
 * The one shape of a manual act on a run: its fields, a reason that ends up in the log and the
 * audit, a preview of what follows, and a confirm button naming the act. A form, so Enter in a
 * field (Ctrl+Enter in the reason) confirms and Escape closes; the modal keeps focus inside while
 * open and starts on the first field.
 */
export function ControlDialog(props: Props) {
  // The Modal mounts on the first open (a closed one still runs its hooks and effects: the run
  // page's six closed dialogs were part of the commit that mounts its controls).
  return (
    <OnceOpened opened={props.opened}>
      {(opened) => (
        <Modal opened={opened} onClose={props.onClose} title={props.title} size="lg" centered>
          {opened && <DialogBody {...props} />}
        </Modal>
      )}
    </OnceOpened>
  );
}

function DialogBody({
  onClose,
  confirmLabel,
  confirmColor,
  reasonRequired,
  children,
  preview,
  invalid,
  onConfirm,
}: Props) {
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const reasonMissing = reasonRequired && reason.trim() === '';
  const length = reason.trim().length;
  // Refused with a counter rather than cut: a pasted reason is never shortened behind one's back.
  const tooLong = length > REASON_MAX_LENGTH;
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (reasonMissing || tooLong || invalid) return;
        onConfirm(reason.trim());
      }}
    >
      <Stack gap="md">
        {children}
        <Textarea
          label="Reason"
          data-autofocus={children ? undefined : true}
          description="Recorded in the run's log and the audit log"
          required={reasonRequired}
          autosize
          minRows={2}
          maxRows={8}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey))
              e.currentTarget.form?.requestSubmit();
          }}
          error={
            tooLong
              ? `At most ${REASON_MAX_LENGTH.toLocaleString('en')} characters: shorten it by ${(length - REASON_MAX_LENGTH).toLocaleString('en')}`
              : tried && reasonMissing
                ? 'Say why, for whoever reads the log later'
                : undefined
          }
        />
        <Text size="xs" c={tooLong ? 'red' : 'dimmed'} ta="right" mt={-12} aria-live="polite">
          {length.toLocaleString('en')} / {REASON_MAX_LENGTH.toLocaleString('en')}
        </Text>
        <Alert variant="light" color="gray" title="What happens next">
          <Text size="sm" component="div">
            {preview}
          </Text>
        </Alert>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Back
          </Button>
          <Button type="submit" color={confirmColor}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
