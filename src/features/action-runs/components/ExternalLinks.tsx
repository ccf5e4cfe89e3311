import { Anchor, List, Text } from '@mantine/core';
import type { RunLink } from '../../../../contract/actions';
import { runLinks, safeHttpUrl } from '../model';

/** Links to the backend's own logs: http(s) only, in a new tab without access to this one. */
export function ExternalLinks({ link }: { link: RunLink | null }) {
  const links = runLinks(link);
  if (links.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No links yet.
      </Text>
    );
  }
  return (
    <List size="sm" spacing={4} aria-label="External links">
      {links.map((raw, i) => {
        const href = safeHttpUrl(raw);
        return (
          <List.Item key={`${i}:${raw}`}>
            {href ? (
              <Anchor href={href} target="_blank" rel="noopener noreferrer" size="sm">
                {raw}
              </Anchor>
            ) : (
              <Text span size="sm" ff="monospace" title="Not an http(s) link">
                {raw}
              </Text>
            )}
          </List.Item>
        );
      })}
    </List>
  );
}
