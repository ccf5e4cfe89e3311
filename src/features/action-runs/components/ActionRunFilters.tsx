import { UserPicker } from '../../../components/pickers/UserPicker';
import { Button, Checkbox, Group } from '@mantine/core';
import { DebouncedTextInput } from '../../../components/DebouncedTextInput';
import type { ActionRunFilters as Filters } from '../search';
import { anyFilterSet } from '../../../lib/search-params';

interface Props {
  filters: Filters;
  onChange: (patch: Partial<Filters>) => void;
}

export const NO_FILTERS: Required<Record<keyof Filters, undefined>> = {
  action: undefined,
  blueprint: undefined,
  entity: undefined,
  active: undefined,
  user: undefined,
};

export function ActionRunFilters({ filters, onChange }: Props) {
  const active = anyFilterSet(filters);
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <DebouncedTextInput
        label="Action"
        placeholder="action identifier"
        value={filters.action}
        onCommit={(action) => onChange({ action })}
        w={180}
      />
      <DebouncedTextInput
        label="Blueprint"
        placeholder="blueprint identifier"
        value={filters.blueprint}
        onCommit={(blueprint) => onChange({ blueprint })}
        w={180}
      />
      <DebouncedTextInput
        label="Entity"
        placeholder="entity identifier"
        value={filters.entity}
        onCommit={(entity) => onChange({ entity })}
        w={180}
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
      <Checkbox
        label="Active only"
        checked={filters.active === true}
        onChange={(e) => onChange({ active: e.currentTarget.checked ? true : undefined })}
        mb={8}
      />
      {active && (
        <Button variant="subtle" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}
