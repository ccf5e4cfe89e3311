import { Code, Group } from '@mantine/core';
import type { NodeRunSummary } from '../../../../contract/workflows';
import { ExternalLinkList } from '../../../components/ExternalLinkList';
import { Fact } from '../../../components/Fact';

/**
 * What the node run's executor reported about its own run (Ocean's start report, a backend's
 * PATCH): its id there and links to it, which Port's UI shows as links on the node run.
 */
export function NodeRunLinks({ nodeRun, title }: { nodeRun: NodeRunSummary; title: string }) {
  const links = nodeRun.links ?? [];
  if (links.length === 0 && !nodeRun.externalRunId) return null;
  return (
    <Group gap="xl" align="flex-start">
      {nodeRun.externalRunId && (
        <Fact label="External run id">
          <Code>{nodeRun.externalRunId}</Code>
        </Fact>
      )}
      {links.length > 0 && (
        <Fact label="Links">
          <ExternalLinkList links={links} label={`Links of ${title}`} />
        </Fact>
      )}
    </Group>
  );
}
