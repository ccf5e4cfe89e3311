import { Select } from '@mantine/core';
import { clearButtonFor } from './clear-button';

export interface IdentifierOption {
  value: string;
  label: string;
}

export interface IdentifierPickerProps {
  label: string;
  /** An identifier, what the API filters by. */
  value: string | undefined;
  onChange: (identifier: string | undefined) => void;
  w?: number;
}

interface Props extends IdentifierPickerProps {
  /** What is picked, for the placeholder and the empty search ("blueprint"). */
  noun: string;
  options: IdentifierOption[] | undefined;
  loading: boolean;
}

/**
 * Picks a definition by what the tables show (its title, searchable) and hands back its
 * identifier. An identifier from a link that matches none stays selectable as itself.
 */
export function IdentifierPicker({ label, value, onChange, w, noun, options, loading }: Props) {
  const data = [...(options ?? [])];
  if (value && !data.some((o) => o.value === value)) data.push({ value, label: value });
  return (
    <Select
      label={label}
      placeholder={loading ? 'Loading…' : `Any ${noun}`}
      data={data}
      value={value ?? null}
      onChange={(v) => onChange(v ?? undefined)}
      searchable
      clearable
      clearButtonProps={clearButtonFor(label)}
      nothingFoundMessage={`No ${noun} matches`}
      w={w}
    />
  );
}
