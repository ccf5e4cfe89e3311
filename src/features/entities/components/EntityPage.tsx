import { Anchor, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { Entity } from '../../../../contract/entities';
import { CopyButton } from '../../../components/CopyButton';
import { JsonInspector } from '../../../components/json-inspector';
import { RelativeTime } from '../../../components/RelativeTime';
import type { EntitySearch } from '../search';
import { ActivityFeed } from './ActivityFeed';
import { UserName } from '../../../components/UserName';
import { blueprintsQueryOptions } from '../api';

interface Props {
  entity: Entity;
  search: EntitySearch;
  onSearchChange: (patch: Partial<EntitySearch>) => void;
}

export function EntityPage({ entity, search, onSearchChange }: Props) {
  // The blueprint by its title, as the entities list's picker shows it (the id until it loads).
  const blueprints = useQuery(blueprintsQueryOptions());
  const blueprint = blueprints.data?.find((b) => b.identifier === entity.blueprint);
  return (
    <Stack gap="lg">
      <Paper withBorder p="md">
        <Stack gap={6}>
          <Text size="sm" c="dimmed">
            {/* Underlined: inside dimmed text its colour alone does not tell it is a link (axe). */}
            <Anchor
              inherit
              underline="always"
              renderRoot={(props) => (
                <Link to="/entities" search={{ blueprint: entity.blueprint }} {...props} />
              )}
            >
              {blueprint?.title || entity.blueprint}
            </Anchor>{' '}
            · entity
          </Text>
          <Title order={1} size="h2">
            {entity.title ?? entity.identifier}
          </Title>
          <Group gap="lg">
            <Group gap={4}>
              <Text size="sm" ff="monospace">
                {entity.identifier}
              </Text>
              <CopyButton value={entity.identifier} label="Copy entity identifier" />
            </Group>
            <Meta label="Created">
              <RelativeTime value={entity.createdAt} /> by <UserName id={entity.createdBy} />
            </Meta>
            <Meta label="Updated">
              <RelativeTime value={entity.updatedAt} /> by <UserName id={entity.updatedBy} />
            </Meta>
          </Group>
        </Stack>
      </Paper>
      <Paper withBorder p="md" component="section" aria-label="Properties">
        <Title order={2} fz="md" lh="h3" mb="sm">
          Properties
        </Title>
        <JsonInspector
          value={entity.properties}
          rootPath=".properties"
          label="Properties"
          height={240}
        />
        {Object.keys(entity.relations).length > 0 && (
          <Stack gap={4} mt="sm">
            <Text size="sm" fw={600}>
              Relations
            </Text>
            {Object.entries(entity.relations).map(([name, target]) => (
              <Text key={name} size="sm" ff="monospace">
                {name}: {target === null ? '–' : Array.isArray(target) ? target.join(', ') : target}
              </Text>
            ))}
          </Stack>
        )}
      </Paper>
      <Paper withBorder p="md" component="section" aria-label="Activity feed">
        <Title order={2} fz="md" lh="h3" mb="sm">
          Activity
        </Title>
        <ActivityFeed
          blueprint={entity.blueprint}
          entityId={entity.identifier}
          filters={search}
          onFiltersChange={onSearchChange}
        />
      </Paper>
    </Stack>
  );
}

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text size="sm" c="dimmed" component="div">
      <Group gap={4}>
        {label} {children}
      </Group>
    </Text>
  );
}
