import { queryOptions } from '@tanstack/react-query';
import type { Action, ActionRunV1 } from '../../../contract/actions';
import type { Entity } from '../../../contract/entities';
import type { WorkflowRun } from '../../../contract/workflows';
import { api } from '../../lib/api';

export interface StartRunRequest {
  inputs: Record<string, unknown>;
  entity: string | undefined;
}

export const actionsQueryOptions = () =>
  queryOptions({
    queryKey: ['actions', 'list'] as const,
    queryFn: ({ signal }) =>
      api<{ actions: Action[] }>('/actions', { signal }).then((b) => b.actions),
    staleTime: 60_000,
  });

export type EntityOption = Pick<Entity, 'identifier' | 'title'>;

/** The entities of a blueprint whose identifier or title contains `search` ([ext] `?search=`). */
export const entitySearchQueryOptions = (blueprint: string, search: string) =>
  queryOptions({
    queryKey: ['entities', 'search', blueprint, search] as const,
    queryFn: ({ signal }) =>
      api<{ entities: Entity[] }>(`/blueprints/${encodeURIComponent(blueprint)}/entities`, {
        signal,
        query: { search },
      }).then((b) => b.entities.map(({ identifier, title }) => ({ identifier, title }))),
    staleTime: 30_000,
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
