import { Anchor, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useEffect } from 'react';
import type { Entity } from '../../../../contract/entities';
import { ListTable } from '../../../components/ListTable';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorState } from '../../../components/ErrorState';
import { RowsSkeleton } from '../../../components/ListPaging';
import { RelativeTime } from '../../../components/RelativeTime';
import { UserName } from '../../../components/UserName';
import { blueprintsQueryOptions, entitiesQueryOptions, entityKeys } from '../api';
import { searchEntities } from '../model';
import type { EntitiesSearch } from '../search';

interface Props {
  search: EntitiesSearch;
  onSearchChange: (patch: Partial<EntitiesSearch>) => void;
}

/** Entities of one blueprint, searched by identifier or title. */
export function EntitiesPage({ search, onSearchChange }: Props) {
  if (search.entity) return <FindEntity entityId={search.entity} />;
  return <BrowseEntities search={search} onSearchChange={onSearchChange} />;
}

/** Finds the entity in every blueprint: one match opens its page, several are listed. */
function FindEntity({ entityId }: { entityId: string }) {
  const navigate = useNavigate();
  const blueprints = useQuery(blueprintsQueryOptions());
  const lists = useQueries({
    queries: (blueprints.data ?? []).map((b) => entitiesQueryOptions(b.identifier)),
  });
  const done = blueprints.isSuccess && lists.every((l) => !l.isPending);
  const matches = lists.flatMap((l) => l.data?.filter((e) => e.identifier === entityId) ?? []);
  const only = done && matches.length === 1 ? matches[0] : undefined;
  useEffect(() => {
    if (only) {
      void navigate({
        to: '/entities/$blueprint/$entityId',
        params: { blueprint: only.blueprint, entityId: only.identifier },
        replace: true,
      });
    }
  }, [only, navigate]);
  const error = blueprints.error ?? lists.find((l) => l.isError)?.error;
  // The page's h1 in every state: a run's entity link lands here for an entity no blueprint has.
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Entities named {entityId}
      </Title>
      {error ? (
        <ErrorState error={error} onRetry={() => void blueprints.refetch()} />
      ) : !done || only ? (
        <RowsSkeleton label="Finding the entity" rows={3} />
      ) : matches.length === 0 ? (
        <EmptyState title="Entity not found">
          No blueprint has an entity {entityId}; it may have been deleted.
        </EmptyState>
      ) : (
        <EntitiesTable entities={matches} />
      )}
    </Stack>
  );
}

function BrowseEntities({ search, onSearchChange }: Props) {
  const blueprints = useQuery(blueprintsQueryOptions());
  const firstWithEntities = useFirstBlueprintWithEntities(
    search.blueprint ? [] : (blueprints.data ?? []).map((b) => b.identifier),
  );
  const blueprint = search.blueprint ?? firstWithEntities;
  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          Entities
        </Title>
        <Text c="dimmed" size="sm">
          Open an entity to see its properties and everything that touched it.
        </Text>
      </div>
      {blueprints.isError ? (
        <ErrorState error={blueprints.error} onRetry={() => void blueprints.refetch()} />
      ) : (
        <Group gap="sm" align="flex-end">
          <Select
            label="Blueprint"
            placeholder={blueprints.isPending ? 'Loading…' : 'Choose a blueprint'}
            data={(blueprints.data ?? []).map((b) => ({ value: b.identifier, label: b.title }))}
            value={blueprint ?? null}
            onChange={(v) => onSearchChange({ blueprint: v ?? undefined, q: undefined })}
            searchable
            w={240}
          />
          <TextInput
            label="Search"
            placeholder="identifier or title"
            value={search.q ?? ''}
            onChange={(e) => onSearchChange({ q: e.currentTarget.value || undefined })}
            w={260}
          />
        </Group>
      )}
      {blueprints.data?.length === 0 && (
        <EmptyState title="No blueprints yet">
          Entities belong to a blueprint; create one through the API.
        </EmptyState>
      )}
      {blueprint && <EntitiesList blueprint={blueprint} q={search.q} />}
    </Stack>
  );
}

/**
 * With no blueprint chosen, the page opens on the first one that has entities (the first one
 * when none has any) rather than on an empty list; undefined until that is known.
 */
function useFirstBlueprintWithEntities(blueprints: string[]): string | undefined {
  const queryClient = useQueryClient();
  // One list after another, so usually only the first is fetched; each lands in the cache the
  // list below reads. A list that fails to load counts as empty here and shows its error there.
  const first = useQuery({
    queryKey: entityKeys.firstWithEntities(blueprints),
    queryFn: async () => {
      for (const blueprint of blueprints) {
        const list = await queryClient.fetchQuery(entitiesQueryOptions(blueprint)).catch(() => []);
        if (list.length > 0) return blueprint;
      }
      return blueprints.at(0) ?? null;
    },
  });
  return first.data ?? undefined;
}

function EntitiesList({ blueprint, q }: { blueprint: string; q: string | undefined }) {
  const entities = useQuery(entitiesQueryOptions(blueprint));
  if (entities.isPending) return <RowsSkeleton label="Loading entities" />;
  if (entities.isError) {
    return <ErrorState error={entities.error} onRetry={() => void entities.refetch()} />;
  }
  const rows = searchEntities(entities.data, q);
  if (rows.length === 0) {
    return (
      <EmptyState title={q ? 'No entities match this search' : 'No entities yet'}>
        {q ? 'Try another identifier or title.' : `No entity of ${blueprint} exists yet.`}
      </EmptyState>
    );
  }
  return <EntitiesTable entities={rows} />;
}

function EntitiesTable({ entities }: { entities: Entity[] }) {
  return (
    <ListTable minWidth={640} aria-label="Entities" highlightOnHover verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Title</Table.Th>
          <Table.Th>Identifier</Table.Th>
          <Table.Th>Updated by</Table.Th>
          <Table.Th>Updated</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {entities.map((entity) => (
          <Table.Tr key={entity.identifier}>
            <Table.Td data-label="Title">
              <Anchor
                size="sm"
                renderRoot={(props) => (
                  <Link
                    to="/entities/$blueprint/$entityId"
                    params={{ blueprint: entity.blueprint, entityId: entity.identifier }}
                    {...props}
                  />
                )}
              >
                {entity.title ?? entity.identifier}
              </Anchor>
            </Table.Td>
            <Table.Td data-label="Identifier">
              <Text size="sm" ff="monospace">
                {entity.identifier}
              </Text>
            </Table.Td>
            <Table.Td data-label="Updated by">
              <UserName id={entity.updatedBy} />
            </Table.Td>
            <Table.Td data-label="Updated">
              <RelativeTime value={entity.updatedAt} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </ListTable>
  );
}
