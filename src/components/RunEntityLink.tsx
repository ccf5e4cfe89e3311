import { Anchor, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';

/**
 * A workflow run's entity: a link to it (a run names only the entity's identifier; the entities
 * page finds its blueprint), or a dash when the run has none.
 */
export function RunEntityLink({ entity }: { entity: string | null }) {
  if (!entity) {
    return (
      <Text size="sm" c="dimmed">
        –
      </Text>
    );
  }
  return (
    <Anchor
      size="sm"
      ff="monospace"
      renderRoot={(props) => <Link to="/entities" search={{ entity }} {...props} />}
    >
      {entity}
    </Anchor>
  );
}
