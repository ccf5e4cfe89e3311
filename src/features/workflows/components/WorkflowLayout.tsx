import { Badge, Box, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Workflow } from '../../../../contract/workflows';
import { RunWorkflowButton } from '../../../components/start-run/StartRunModal';
import { WorkflowAvatar } from '../../../components/WorkflowAvatar';
import { WorkflowGraph } from '../../../components/workflow-graph/WorkflowGraph';

export type WorkflowTab = 'runs' | 'overview' | 'trends';

interface Props {
  workflow: Workflow;
  tab: WorkflowTab;
  onTabChange: (tab: WorkflowTab) => void;
  /** The runs tab's content (another feature's view, composed by the route). */
  runs: ReactNode;
  /** The trends tab's content, composed by the route too. */
  trends: ReactNode;
}

export function WorkflowLayout({ workflow, tab, onTabChange, runs, trends }: Props) {
  const nodeTypes = Object.fromEntries(workflow.nodes.map((n) => [n.identifier, n.config.type]));
  return (
    <Stack gap="md">
      <Group gap="md" wrap="nowrap" align="flex-start">
        <WorkflowAvatar title={workflow.title} icon={workflow.icon} />
        <Stack gap={2}>
          <Title order={1} size="h2">
            {workflow.title}
          </Title>
          <Group gap="xs">
            <Text size="sm" c="dimmed" ff="monospace">
              {workflow.identifier}
            </Text>
            <Badge variant="outline" color="gray" size="sm">
              v{workflow.version}
            </Badge>
            <Badge variant="outline" color="gray" size="sm">
              {workflow.nodes.length} nodes
            </Badge>
          </Group>
          {workflow.description && (
            <Text size="sm" c="dimmed">
              {workflow.description}
            </Text>
          )}
        </Stack>
        <Box ml="auto">
          <RunWorkflowButton workflow={workflow} />
        </Box>
      </Group>
      <Tabs
        value={tab}
        onChange={(v) => onTabChange(v === 'overview' || v === 'trends' ? v : 'runs')}
      >
        <Tabs.List>
          <Tabs.Tab value="runs">Runs</Tabs.Tab>
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="trends">Trends</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="runs" pt="md">
          {tab === 'runs' && runs}
        </Tabs.Panel>
        <Tabs.Panel value="overview" pt="md">
          {tab === 'overview' && (
            <WorkflowGraph
              nodes={workflow.nodes}
              connections={workflow.connections}
              details={nodeTypes}
            />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="trends" pt="md">
          {tab === 'trends' && trends}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
