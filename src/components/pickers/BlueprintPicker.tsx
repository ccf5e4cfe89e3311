import { Select } from '@mantine/core';
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Blueprint } from '../../../contract/actions';
import { api } from '../../lib/api';

const blueprintsPickerOptions = () =>
  queryOptions({
    queryKey: ['blueprints', 'picker'] as const,
    queryFn: ({ signal }) =>
      api<{ blueprints: Blueprint[] }>('/blueprints', { signal }).then((b) => b.blueprints),
    staleTime: 60_000,
  });

interface Props {
  label: string;
  /** A blueprint identifier, what the API filters by. */
  value: string | undefined;
  onChange: (identifier: string | undefined) => void;
  w?: number;
}

/**
 * Picks a blueprint by what the tables show (its title, searchable), and hands back its
 * identifier, what the API filters by. An identifier from a link that matches no blueprint stays
 * selectable as itself.
 */
export function BlueprintPicker({ label, value, onChange, w }: Props) {
  const blueprints = useQuery(blueprintsPickerOptions());
  const options = (blueprints.data ?? []).map((b) => ({
    value: b.identifier,
    label: b.title || b.identifier,
  }));
  if (value && !options.some((o) => o.value === value)) options.push({ value, label: value });
  return (
    <Select
      label={label}
      placeholder={blueprints.isPending ? 'Loading…' : 'Any blueprint'}
      data={options}
      value={value ?? null}
      onChange={(v) => onChange(v ?? undefined)}
      searchable
      clearable
      nothingFoundMessage="No blueprint matches"
      w={w}
    />
  );
}
