import { Anchor, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ActionRunV2 } from '../../../../contract/actions';

/** The run's entity as a link to its page; a deleted entity (or none) is plain text. */
export function EntityLink({ run }: { run: Pick<ActionRunV2, 'entity' | 'blueprint'> }) {
  const { entity, blueprint } = run;
  if (!entity || !blueprint) {
    return (
      <Text size="sm" c="dimmed">
        –
      </Text>
    );
  }
  const label = entity.title ?? entity.identifier;
  if (entity.deleted) {
    return (
      <Text size="sm" c="dimmed" td="line-through" title="Deleted entity">
        {label}
      </Text>
    );
  }
  return (
    <Anchor
      size="sm"
      renderRoot={(props) => (
        <Link
          to="/entities/$blueprint/$entityId"
          params={{ blueprint: blueprint.identifier, entityId: entity.identifier }}
          {...props}
        />
      )}
    >
      {label}
    </Anchor>
  );
}
