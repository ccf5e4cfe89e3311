import { Anchor, List, Text } from '@mantine/core';
import { safeHttpUrl } from '../lib/urls';

/**
 * Links a backend reported (to its job, its logs): http(s) ones open in a new tab without access
 * to this one; anything else is shown as text.
 */
export function ExternalLinkList({ links, label }: { links: string[]; label: string }) {
  return (
    <List size="sm" spacing={4} aria-label={label}>
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
