import { Checkbox, Select } from '@mantine/core';
import { ACTION_RUN_STATUSES } from '../../../../contract/actions';
import { UserPicker } from '../../../components/pickers/UserPicker';
import { EntityPicker } from '../../../components/start-run/EntityPicker';
import { clearButtonFor } from '../../../components/pickers/clear-button';
import { ActionPicker } from '../../../components/pickers/ActionPicker';
import { BlueprintPicker } from '../../../components/pickers/BlueprintPicker';
import { actionRunState, stateAppearance } from '../../../components/StatusBadge';
import type { ActionRunFilters as Filters } from '../search';
import { activeFilterCount } from '../../../lib/search-params';
import { FilterBar } from '../../../components/FilterBar';
import { DateRangeFilter } from '../../../components/DateRangeFilter';

interface Props {
  filters: Filters;
  onChange: (patch: Partial<Filters>) => void;
}

export const NO_FILTERS: Required<Record<keyof Filters, undefined>> = {
  action: undefined,
  blueprint: undefined,
  entity: undefined,
  active: undefined,
  status: undefined,
  user: undefined,
  range: undefined,
  from: undefined,
  to: undefined,
};

const STATUS_OPTIONS = ACTION_RUN_STATUSES.map((status) => ({
  value: status,
  label: stateAppearance(actionRunState(status)).label,
}));

export function ActionRunFilters({ filters, onChange }: Props) {
  return (
    <FilterBar active={activeFilterCount(filters)} onClear={() => onChange(NO_FILTERS)}>
      <ActionPicker
        label="Action"
        value={filters.action}
        onChange={(action) => onChange({ action })}
        w={220}
      />
      <BlueprintPicker
        label="Blueprint"
        value={filters.blueprint}
        onChange={(blueprint) => onChange({ blueprint })}
        w={180}
      />
      <EntityPicker
        label="Entity"
        placeholder="Any entity"
        blueprint={filters.blueprint ?? null}
        value={filters.entity ?? ''}
        onChange={(entity) => onChange({ entity: entity || undefined })}
        w={240}
      />
      <UserPicker
        label="User"
        placeholder="Anyone"
        valueKind="id"
        includeMachines
        value={filters.user ?? ''}
        onChange={(user) => onChange({ user: user || undefined })}
        w={240}
      />
      <Select
        label="Status"
        placeholder="Any status"
        data={STATUS_OPTIONS}
        value={filters.status ?? null}
        onChange={(v) => onChange({ status: ACTION_RUN_STATUSES.find((s) => s === v) })}
        clearable
        clearButtonProps={clearButtonFor('Status')}
        w={190}
      />
      <DateRangeFilter
        labels={{ from: 'Started from', to: 'Started to' }}
        value={filters}
        onChange={onChange}
      />
      <Checkbox
        label="Active only"
        checked={filters.active === true}
        onChange={(e) => onChange({ active: e.currentTarget.checked ? true : undefined })}
        mb={8}
      />
    </FilterBar>
  );
}
