import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Blueprint } from '../../../contract/actions';
import { api } from '../../lib/api';
import { IdentifierPicker, type IdentifierPickerProps } from './IdentifierPicker';

const blueprintsPickerOptions = () =>
  queryOptions({
    queryKey: ['blueprints', 'picker'] as const,
    queryFn: ({ signal }) =>
      api<{ blueprints: Blueprint[] }>('/blueprints', { signal }).then((b) =>
        b.blueprints.map((bp) => ({ value: bp.identifier, label: bp.title || bp.identifier })),
      ),
    staleTime: 60_000,
  });

/** Picks a blueprint by its title and hands back its identifier, what the API filters by. */
export function BlueprintPicker(props: IdentifierPickerProps) {
  const blueprints = useQuery(blueprintsPickerOptions());
  return (
    <IdentifierPicker
      {...props}
      noun="blueprint"
      options={blueprints.data}
      loading={blueprints.isPending}
    />
  );
}
