import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Action } from '../../../contract/actions';
import { api } from '../../lib/api';
import { IdentifierPicker, type IdentifierPickerProps } from './IdentifierPicker';

const actionsPickerOptions = () =>
  queryOptions({
    queryKey: ['actions', 'picker'] as const,
    queryFn: ({ signal }) =>
      api<{ actions: Action[] }>('/actions', { signal }).then((b) => actionOptions(b.actions)),
    staleTime: 60_000,
  });

/** Each action by its title; a title several actions share also names the identifier. */
export function actionOptions(actions: Pick<Action, 'identifier' | 'title'>[]) {
  const seen = new Map<string, number>();
  for (const a of actions)
    seen.set(a.title || a.identifier, (seen.get(a.title || a.identifier) ?? 0) + 1);
  return actions.map((a) => {
    const title = a.title || a.identifier;
    const shared = (seen.get(title) ?? 0) > 1 && title !== a.identifier;
    return { value: a.identifier, label: shared ? `${title} (${a.identifier})` : title };
  });
}

/**
 * Picks a self-service action by its title (what the Runs tab's rows show) and hands back its
 * identifier, what the API filters by, as Port's audit-log Runs tab does.
 */
export function ActionPicker(props: IdentifierPickerProps) {
  const actions = useQuery(actionsPickerOptions());
  return (
    <IdentifierPicker {...props} noun="action" options={actions.data} loading={actions.isPending} />
  );
}

/** An action's title as the pickers show it (its identifier while the list loads or if unknown). */
export function useActionTitle(identifier: string | null): string | null {
  const titles = useQuery(actionsPickerOptions());
  if (!identifier) return null;
  return titles.data?.find((o) => o.value === identifier)?.label ?? identifier;
}
