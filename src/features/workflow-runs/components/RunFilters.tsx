import { Pill, Select } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { EntityPicker } from '../../../components/start-run/EntityPicker';
import type { RunFilters as Filters, StatusFilter } from '../search';
import { DateRangeFilter } from '../../../components/DateRangeFilter';
import { activeFilterCount } from '../../../lib/search-params';
import { FilterBar } from '../../../components/FilterBar';
import { clearButtonFor } from '../../../components/pickers/clear-button';
import { UserPicker } from '../../../components/pickers/UserPicker';

const STATUS_OPTIONS: { value: StatusFilter; label: string }[] = [
  { value: 'IN_PROGRESS', label: 'In progress' },
  { value: 'SUCCESS', label: 'Succeeded' },
  { value: 'FAILED', label: 'Failed' },
  { value: 'CANCELLED', label: 'Cancelled' },
];
interface Props {
  filters: Filters;
  onChange: (patch: Partial<Filters>) => void;
  onClear: () => void;
  /** Controls placed first, e.g. the workflow picker of the all-runs list. */
  leading?: ReactNode;
}

export function RunFilters({ filters, onChange, onClear, leading }: Props) {
  const [cleared, setCleared] = useState(0);
  return (
    <FilterBar
      active={activeFilterCount(filters)}
      onClear={() => {
        setCleared((n) => n + 1);
        onClear();
      }}
    >
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
      <DateRangeFilter
        // Clear filters also folds the custom range's boxes away.
        key={cleared}
        labels={{ from: 'From', to: 'To' }}
        value={filters}
        onChange={onChange}
        boxesOnRequest
      />
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
    </FilterBar>
  );
}
