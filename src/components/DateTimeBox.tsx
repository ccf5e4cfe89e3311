import { TextInput } from '@mantine/core';
import { fromLocalInput, toLocalInput } from '../lib/dates';

/**
 * One end of a date range filter (action runs' Started from / to, the audit log's From / To): a
 * local date-time box, committed on Enter or on leaving it (committing on every change would
 * reset the box mid-typing, since it follows the URL). Keyed by the URL's value, so Clear filters
 * empties it (it keeps its own text otherwise).
 */
export function DateTimeBox({
  label,
  value,
  onCommit,
}: {
  label: string;
  value: string | undefined;
  onCommit: (iso: string | undefined) => void;
}) {
  return (
    <TextInput
      key={`${label}:${value ?? ''}`}
      type="datetime-local"
      label={label}
      defaultValue={value ? toLocalInput(value) : ''}
      onBlur={(e) => onCommit(fromLocalInput(e.currentTarget.value))}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onCommit(fromLocalInput(e.currentTarget.value));
      }}
      w={210}
    />
  );
}
