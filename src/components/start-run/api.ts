import { queryOptions } from '@tanstack/react-query';
import type { Action, ActionRunV1 } from '../../../contract/actions';
import type { WorkflowRun } from '../../../contract/workflows';
import { api } from '../../lib/api';
import type { StartRunRequest } from './RunInputsForm';

export const actionsQueryOptions = () =>
  queryOptions({
    queryKey: ['actions', 'list'] as const,
    queryFn: ({ signal }) =>
      api<{ actions: Action[] }>('/actions', { signal }).then((b) => b.actions),
    staleTime: 60_000,
  });

export const startWorkflowRun = (workflowId: string, { inputs, entity }: StartRunRequest) =>
  api<{ workflowRun: WorkflowRun }>(`/workflows/${encodeURIComponent(workflowId)}/runs`, {
    method: 'POST',
    body: { inputs, ...(entity ? { entity } : {}) },
  }).then((b) => b.workflowRun);

export const startActionRun = (actionId: string, { inputs, entity }: StartRunRequest) =>
  api<{ run: ActionRunV1 }>(`/actions/${encodeURIComponent(actionId)}/runs`, {
    method: 'POST',
    body: { properties: inputs, ...(entity ? { entity } : {}) },
  }).then((b) => b.run);
