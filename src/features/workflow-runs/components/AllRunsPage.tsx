import { Stack, Text, Title } from '@mantine/core';
import { WorkflowPicker } from '../../../components/pickers/WorkflowPicker';
import type { AllRunsSearch } from '../search';
import { RunFilters } from './RunFilters';
import { RunsList } from './RunsTab';

const NO_FILTERS: Required<Record<keyof AllRunsSearch, undefined>> = {
  workflow: undefined,
  status: undefined,
  createdBy: undefined,
  entity: undefined,
  range: undefined,
  from: undefined,
  to: undefined,
  failedNode: undefined,
};

interface Props {
  filters: AllRunsSearch;
  onFiltersChange: (patch: Partial<AllRunsSearch>) => void;
}

/** `/runs`: the runs of every workflow, newest first, with the Runs tab's filters and the workflow. */
export function AllRunsPage({ filters, onFiltersChange }: Props) {
  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          Workflow runs
        </Title>
        <Text c="dimmed" size="sm">
          Every run of every workflow you can see, newest first.
        </Text>
      </div>
      <RunFilters
        filters={filters}
        onChange={onFiltersChange}
        onClear={() => onFiltersChange(NO_FILTERS)}
        leading={
          <WorkflowPicker
            label="Workflow"
            value={filters.workflow}
            onChange={(workflow) => onFiltersChange({ workflow })}
            w={220}
          />
        }
      />
      <RunsList workflowId={undefined} filters={filters} />
    </Stack>
  );
}
