import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Workflow } from '../../../contract/workflows';
import { api } from '../../lib/api';
import { IdentifierPicker, type IdentifierPickerProps } from './IdentifierPicker';

const workflowsPickerOptions = () =>
  queryOptions({
    queryKey: ['workflows', 'picker'] as const,
    queryFn: ({ signal }) =>
      api<{ workflows: Workflow[] }>('/workflows', { signal }).then((b) =>
        b.workflows.map((w) => ({ value: w.identifier, label: w.title || w.identifier })),
      ),
    staleTime: 60_000,
  });

/** Picks a workflow by its title and hands back its identifier, what the API filters by. */
export function WorkflowPicker(props: IdentifierPickerProps) {
  const workflows = useQuery(workflowsPickerOptions());
  return (
    <IdentifierPicker
      {...props}
      noun="workflow"
      options={workflows.data}
      loading={workflows.isPending}
    />
  );
}
