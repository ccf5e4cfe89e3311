import { Button, Group, Pill, Select, TextInput } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { EntityPicker } from '../../../components/start-run/EntityPicker';
import { fromLocalInput, toLocalInput } from '../../../lib/dates';
import type { RunFilters as Filters, StatusFilter, TimeRange } from '../search';
import { anyFilterSet } from '../../../lib/search-params';
import { clearButtonFor } from '../../../components/pickers/clear-button';
import { UserPicker } from '../../../components/pickers/UserPicker';

const STATUS_OPTIONS: { value: StatusFilter; label: string }[] = [
  { value: 'IN_PROGRESS', label: 'In progress' },
  { value: 'SUCCESS', label: 'Succeeded' },
  { value: 'FAILED', label: 'Failed' },
  { value: 'CANCELLED', label: 'Cancelled' },
];
const RANGE_OPTIONS: { value: TimeRange | 'custom'; label: string }[] = [
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Custom range' },
];

interface Props {
  filters: Filters;
  onChange: (patch: Partial<Filters>) => void;
  onClear: () => void;
  /** Controls placed first, e.g. the workflow picker of the all-runs list. */
  leading?: ReactNode;
}

export function RunFilters({ filters, onChange, onClear, leading }: Props) {
  const active = anyFilterSet(filters);
  const [customOpen, setCustomOpen] = useState(Boolean(filters.from || filters.to));
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      {leading}
      <Select
        label="Status"
        placeholder="Any status"
        data={STATUS_OPTIONS}
        value={filters.status ?? null}
        onChange={(v) => onChange({ status: (v as StatusFilter | null) ?? undefined })}
        clearable
        clearButtonProps={clearButtonFor('Status')}
        w={170}
      />
      <UserPicker
        label="Started by"
        placeholder="Anyone"
        valueKind="id"
        includeMachines
        value={filters.createdBy ?? ''}
        onChange={(createdBy) => onChange({ createdBy: createdBy || undefined })}
        w={240}
      />
      <EntityPicker
        label="Entity"
        placeholder="Any entity"
        blueprint={null}
        value={filters.entity ?? ''}
        onChange={(entity) => onChange({ entity: entity || undefined })}
        w={240}
      />
      <Select
        label="Time range"
        placeholder="Any time"
        data={RANGE_OPTIONS}
        value={filters.range ?? (customOpen ? 'custom' : null)}
        onChange={(v) => {
          setCustomOpen(v === 'custom');
          onChange({
            range: v === 'custom' ? undefined : ((v as TimeRange | null) ?? undefined),
            from: undefined,
            to: undefined,
          });
        }}
        clearable
        clearButtonProps={clearButtonFor('Time range')}
        w={180}
      />
      {customOpen && (
        <>
          <TextInput
            type="datetime-local"
            label="From"
            defaultValue={filters.from ? toLocalInput(filters.from) : ''}
            onChange={(e) => onChange({ from: fromLocalInput(e.currentTarget.value) })}
            w={210}
          />
          <TextInput
            type="datetime-local"
            label="To"
            defaultValue={filters.to ? toLocalInput(filters.to) : ''}
            onChange={(e) => onChange({ to: fromLocalInput(e.currentTarget.value) })}
            w={210}
          />
        </>
      )}
      {filters.failedNode && (
        <Pill
          size="lg"
          withRemoveButton
          onRemove={() => onChange({ failedNode: undefined })}
          removeButtonProps={{ 'aria-label': 'Remove the failed node filter' }}
          mb={4}
        >
          Failed at node <strong>{filters.failedNode}</strong>
        </Pill>
      )}
      {active && (
        <Button
          variant="subtle"
          onClick={() => {
            setCustomOpen(false);
            onClear();
          }}
        >
          Clear filters
        </Button>
      )}
    </Group>
  );
}
