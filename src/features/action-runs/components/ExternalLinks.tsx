import { Text } from '@mantine/core';
import type { RunLink } from '../../../../contract/actions';
import { ExternalLinkList } from '../../../components/ExternalLinkList';
import { runLinks } from '../model';

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
  return <ExternalLinkList links={links} label="External links" />;
}
