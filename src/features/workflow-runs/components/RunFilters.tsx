import { Button, Group, Select, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';
import type { RunFilters as Filters, StatusFilter, TimeRange } from '../search';

const STATUS_OPTIONS: { value: StatusFilter; label: string }[] = [
  { value: 'IN_PROGRESS', label: 'In progress' },
  { value: 'SUCCESS', label: 'Succeeded' },
  { value: 'FAILED', label: 'Failed' },
  { value: 'CANCELLED', label: 'Cancelled' },
];
const RANGE_OPTIONS: { value: TimeRange; label: string }[] = [
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
];

interface Props {
  filters: Filters;
  onChange: (patch: Partial<Filters>) => void;
  onClear: () => void;
}

export function RunFilters({ filters, onChange, onClear }: Props) {
  const active = Object.values(filters).some((v) => v !== undefined);
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <Select
        label="Status"
        placeholder="Any status"
        data={STATUS_OPTIONS}
        value={filters.status ?? null}
        onChange={(v) => onChange({ status: (v as StatusFilter | null) ?? undefined })}
        clearable
        w={170}
      />
      <DebouncedText
        label="Started by"
        placeholder="user id, e.g. user_admin"
        value={filters.createdBy}
        onCommit={(createdBy) => onChange({ createdBy })}
      />
      <DebouncedText
        label="Entity"
        placeholder="entity identifier"
        value={filters.entity}
        onCommit={(entity) => onChange({ entity })}
      />
      <Select
        label="Time range"
        placeholder="Any time"
        data={
          filters.from || filters.to
            ? [...RANGE_OPTIONS, { value: 'custom', label: 'Custom range (from link)' }]
            : RANGE_OPTIONS
        }
        value={filters.range ?? (filters.from || filters.to ? 'custom' : null)}
        onChange={(v) =>
          onChange({
            range: (v as TimeRange | null) ?? undefined,
            from: undefined,
            to: undefined,
          })
        }
        clearable
        w={200}
      />
      {active && (
        <Button variant="subtle" onClick={onClear}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}

/** Typing updates the URL after a pause, not on every key. */
function DebouncedText(props: {
  label: string;
  placeholder: string;
  value: string | undefined;
  onCommit: (value: string | undefined) => void;
}) {
  const [text, setText] = useState(props.value ?? '');
  const commit = useDebouncedCallback((v: string) => props.onCommit(v.trim() || undefined), 400);
  return (
    <TextInput
      label={props.label}
      placeholder={props.placeholder}
      value={text}
      onChange={(e) => {
        setText(e.currentTarget.value);
        commit(e.currentTarget.value);
      }}
      w={200}
    />
  );
}
