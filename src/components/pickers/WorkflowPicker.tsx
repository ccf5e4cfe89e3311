import { Select } from '@mantine/core';
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Workflow } from '../../../contract/workflows';
import { api } from '../../lib/api';

const workflowsPickerOptions = () =>
  queryOptions({
    queryKey: ['workflows', 'picker'] as const,
    queryFn: ({ signal }) =>
      api<{ workflows: Workflow[] }>('/workflows', { signal }).then((b) =>
        b.workflows.map((w) => ({ value: w.identifier, label: w.title || w.identifier })),
      ),
    staleTime: 60_000,
  });

interface Props {
  label: string;
  /** A workflow identifier, what the API filters by. */
  value: string | undefined;
  onChange: (identifier: string | undefined) => void;
  w?: number;
}

/** Picks a workflow by its title (searchable) and hands back its identifier. */
export function WorkflowPicker({ label, value, onChange, w }: Props) {
  const workflows = useQuery(workflowsPickerOptions());
  const options = [...(workflows.data ?? [])];
  if (value && !options.some((o) => o.value === value)) options.push({ value, label: value });
  return (
    <Select
      label={label}
      placeholder={workflows.isPending ? 'Loading…' : 'Any workflow'}
      data={options}
      value={value ?? null}
      onChange={(v) => onChange(v ?? undefined)}
      searchable
      clearable
      nothingFoundMessage="No workflow matches"
      w={w}
    />
  );
}
