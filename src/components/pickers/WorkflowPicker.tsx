import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Workflow } from '../../../contract/workflows';
import { api, ApiRequestError } from '../../lib/api';
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

/**
 * Whether the workflow a run names has been deleted: it is not in the list of workflows (the
 * picker's, which the page reads anyway) and its own read answers 404, so a workflow created
 * since the list was read is never taken for deleted. False until known.
 */
export function useWorkflowDeleted(identifier: string): boolean {
  const listed = useQuery(workflowsPickerOptions());
  const missing = listed.data !== undefined && !listed.data.some((o) => o.value === identifier);
  const exists = useQuery({
    queryKey: ['workflows', 'exists', identifier] as const,
    queryFn: ({ signal }) =>
      api(`/workflows/${encodeURIComponent(identifier)}`, { signal }).then(
        () => true,
        (error: unknown) => {
          if (error instanceof ApiRequestError && error.status === 404) return false;
          throw error;
        },
      ),
    enabled: missing,
    staleTime: 60_000,
    retry: false,
  });
  return missing && exists.data === false;
}
