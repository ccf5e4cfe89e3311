import { Badge, Box, Button, Group, Text } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import type { NodeRunSummary, WorkflowRunSummary } from '../../../../contract/workflows';
import { canRerunFrom, type PreviewGraph } from '../controls';
import { useMarkNodeComplete, useRetryNodeDelivery, useRunAct } from '../controls-api';
import { MarkNodeCompleteDialog } from './MarkNodeCompleteDialog';
import { RerunButton, RerunDialog } from './RunControls';
import {
  RefusalAlert,
  useBlockedReason,
  useRefusal,
  useCurrentUser,
} from '../../../components/run-controls';
import { AgentLine, DeliveryLine } from '../../../components/delivery';

interface Props {
  run: WorkflowRunSummary;
  nodeRun: NodeRunSummary | null;
  graph: PreviewGraph | undefined;
  titles: Record<string, string>;
  /**
   * Called when a mark is sent: the page pins this node in its URL, so the view stays on the node
   * just marked (and its "Marked … by" line) instead of following the run to the next one.
   */
  onMarked?: (node: string) => void;
  /** Its workflow has been deleted since: Re-run from here is disabled, its tooltip says why. */
  workflowDeleted?: boolean;
}

/**
 * The selected node's own acts: mark its in-progress run complete, or re-run from it; and while
 * its backend is still owed a request, what that delivery is doing, with "Retry now" for admins.
 */
export function NodeRunControls({
  run,
  nodeRun,
  graph,
  titles,
  onMarked,
  workflowDeleted = false,
}: Props) {
  const me = useCurrentUser();
  const navigate = useNavigate();
  const mark = useMarkNodeComplete(run.identifier);
  const rerun = useRunAct(run.identifier);
  const retry = useRetryNodeDelivery(run.identifier);
  const [dialog, setDialog] = useState<'mark' | 'rerun' | null>(null);
  const { refusal, clear: clearRefusal, refuse } = useRefusal();
  const blocked = useBlockedReason(run.createdBy);
  const markable = nodeRun?.status === 'IN_PROGRESS';
  const rerunnable = canRerunFrom(nodeRun);
  const title = nodeRun ? (titles[nodeRun.nodeIdentifier] ?? nodeRun.nodeIdentifier) : '';

  return (
    <>
      <Group gap="sm" justify="flex-end" ml="auto">
        {nodeRun?.reusedFrom && (
          <Badge
            variant="outline"
            color="gray"
            size="sm"
            title={`Reused from ${nodeRun.reusedFrom}`}
          >
            reused
          </Badge>
        )}
        {blocked && (markable || rerunnable) && (
          <Text size="xs" c="dimmed">
            {blocked}
          </Text>
        )}
        {markable && (
          <Button
            size="xs"
            variant="default"
            disabled={Boolean(blocked)}
            onClick={() => setDialog('mark')}
          >
            Mark complete
          </Button>
        )}
        {rerunnable && (
          <RerunButton
            size="xs"
            variant="default"
            blocked={Boolean(blocked)}
            workflowDeleted={workflowDeleted ? run.workflowIdentifier : null}
            loading={rerun.isPending}
            onClick={() => setDialog('rerun')}
          >
            Re-run from here
          </RerunButton>
        )}
      </Group>
      {nodeRun?.status === 'IN_PROGRESS' && nodeRun.delivery && (
        <Box w="100%">
          <DeliveryLine
            delivery={nodeRun.delivery}
            retrying={retry.isPending}
            onRetry={() => {
              clearRefusal();
              retry.mutate(nodeRun.identifier, { onError: refuse });
            }}
          />
        </Box>
      )}
      {nodeRun?.status === 'IN_PROGRESS' && nodeRun.installationId && (
        <Box w="100%">
          <AgentLine run={nodeRun} />
        </Box>
      )}
      {refusal && (
        <Box w="100%">
          <RefusalAlert message={refusal} onClose={clearRefusal} />
        </Box>
      )}
      {/* An open dialog stays open when a poll shows the backend finished the node meanwhile:
          confirming then gets the server's refusal, which says so, instead of the dialog vanishing. */}
      {nodeRun && me && (markable || dialog === 'mark') && (
        <MarkNodeCompleteDialog
          opened={dialog === 'mark'}
          onClose={() => setDialog(null)}
          run={run}
          nodeRun={nodeRun}
          graph={graph}
          titles={titles}
          onConfirm={(input) => {
            setDialog(null);
            clearRefusal();
            onMarked?.(nodeRun.nodeIdentifier);
            mark.mutate({ nodeRunId: nodeRun.identifier, ...input }, { onError: refuse });
          }}
        />
      )}
      {nodeRun && rerunnable && (
        <RerunDialog
          opened={dialog === 'rerun'}
          onClose={() => setDialog(null)}
          fromTitle={title}
          onConfirm={(reason) => {
            setDialog(null);
            clearRefusal();
            rerun.mutate(
              { kind: 'rerun', fromNode: nodeRun.nodeIdentifier, ...(reason ? { reason } : {}) },
              {
                onSuccess: (next) =>
                  void navigate({ to: '/runs/$runId', params: { runId: next.identifier } }),
                onError: refuse,
              },
            );
          }}
        />
      )}
    </>
  );
}
