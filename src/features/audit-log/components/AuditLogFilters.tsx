import { Select } from '@mantine/core';
import { AUDIT_ACTIONS, AUDIT_RESOURCES } from '../../../../contract/entities';
import { DateRangeFilter } from '../../../components/DateRangeFilter';
import { DebouncedTextInput } from '../../../components/DebouncedTextInput';
import { BlueprintPicker } from '../../../components/pickers/BlueprintPicker';
import { clearButtonFor } from '../../../components/pickers/clear-button';
import { activeFilterCount } from '../../../lib/search-params';
import { FilterBar } from '../../../components/FilterBar';
import { RESOURCE_LABELS } from '../model';
import type { AuditLogFilters as Filters } from '../search';

interface Props {
  filters: Filters;
  onChange: (patch: Partial<Filters>) => void;
}

export const NO_FILTERS: Required<Record<keyof Filters, undefined>> = {
  resource: undefined,
  action: undefined,
  status: undefined,
  run: undefined,
  entity: undefined,
  blueprint: undefined,
  range: undefined,
  from: undefined,
  to: undefined,
};

const RESOURCE_OPTIONS = AUDIT_RESOURCES.map((r) => ({ value: r, label: RESOURCE_LABELS[r] }));
const STATUSES = ['SUCCESS', 'FAILURE'] as const;

export function AuditLogFilters({ filters, onChange }: Props) {
  return (
    <FilterBar active={activeFilterCount(filters)} onClear={() => onChange(NO_FILTERS)}>
      <Select
        label="Resource"
        placeholder="Any resource"
        data={RESOURCE_OPTIONS}
        value={filters.resource ?? null}
        onChange={(v) => onChange({ resource: AUDIT_RESOURCES.find((r) => r === v) })}
        clearable
        clearButtonProps={clearButtonFor('Resource')}
        w={170}
      />
      <Select
        label="Action"
        placeholder="Any action"
        data={[...AUDIT_ACTIONS]}
        value={filters.action ?? null}
        onChange={(v) => onChange({ action: AUDIT_ACTIONS.find((a) => a === v) })}
        clearable
        clearButtonProps={clearButtonFor('Action')}
        w={150}
      />
      <Select
        label="Status"
        placeholder="Any status"
        data={[...STATUSES]}
        value={filters.status ?? null}
        onChange={(v) => onChange({ status: STATUSES.find((s) => s === v) })}
        clearable
        clearButtonProps={clearButtonFor('Status')}
        w={150}
      />
      <DebouncedTextInput
        label="Run"
        placeholder="wfr_… or r_…"
        value={filters.run}
        onCommit={(run) => onChange({ run })}
        w={200}
      />
      <BlueprintPicker
        label="Blueprint"
        value={filters.blueprint}
        onChange={(blueprint) => onChange({ blueprint })}
        w={180}
      />
      <DebouncedTextInput
        label="Entity"
        placeholder="entity identifier"
        value={filters.entity}
        onCommit={(entity) => onChange({ entity })}
        w={180}
      />
      <DateRangeFilter labels={{ from: 'From', to: 'To' }} value={filters} onChange={onChange} />
    </FilterBar>
  );
}
