import { Text } from '@mantine/core';
import { useNow } from '../../lib/use-now';
import { agentLine, type AgentWork } from './model';

/**
 * "Waiting for an agent to claim it" / "Claimed by the gitlab-ocean agent until 15:42:10": what a
 * run that an execution agent pulls is waiting on. Re-read each second while a claim holds, so
 * the line turns back to waiting when the claim runs out unacknowledged.
 */
export function AgentLine({ run }: { run: AgentWork }) {
  const now = useNow(Boolean(run.pendingExecution && run.claimedUntil));
  const line = agentLine(run, now);
  if (!line) return null;
  return (
    <Text
      size="sm"
      c="dimmed"
      role="status"
      aria-label="Agent"
      style={{ overflowWrap: 'anywhere' }}
    >
      {line}
    </Text>
  );
}
