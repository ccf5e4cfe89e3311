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

export type EntityOption = Pick<Entity, 'identifier' | 'title'> & { blueprint?: string };

/** How many entities of any blueprint one search lists; typing narrows them. */
export const ANY_ENTITY_LIMIT = 50;

/**
 * The entities whose identifier or title contains `search`, ignoring case ("Payments" finds
 * `payments-api`): a blueprint's (GET `/blueprints/{bp}/entities?search=`), or with `blueprint`
 * null every blueprint's (a workflow run's entity may be of any) through `POST
 * /v1/entities/search` with its [ext] `?search=` (Port's `contains` rule is case-sensitive).
 */
export const entitySearchQueryOptions = (blueprint: string | null, search: string) =>
  queryOptions({
    queryKey: ['entities', 'search', blueprint, search] as const,
    queryFn: async ({ signal }): Promise<EntityOption[]> => {
      if (blueprint !== null) {
        const b = await api<{ entities: Entity[] }>(
          `/blueprints/${encodeURIComponent(blueprint)}/entities`,
          { signal, query: { search } },
        );
        return b.entities.map(({ identifier, title }) => ({ identifier, title }));
      }
      const b = await api<{ entities: Entity[] }>('/entities/search', {
        method: 'POST',
        signal,
        query: {
          limit: ANY_ENTITY_LIMIT,
          include: ['identifier', 'title', 'blueprint'],
          search,
        },
        body: { combinator: 'and', rules: [] },
      });
      return b.entities.map(({ identifier, title, blueprint }) => ({
        identifier,
        title,
        blueprint,
      }));
    },
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
