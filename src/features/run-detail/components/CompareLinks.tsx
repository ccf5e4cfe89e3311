import { Button, Group, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { WorkflowRunSummary } from '../../../../contract/workflows';
import { lastSuccessfulRunQueryOptions } from '../api';

/** "What changed since it last worked?": entry points to the comparison page. */
export function CompareLinks({ run }: { run: WorkflowRunSummary }) {
  const failed = run.result === 'FAILED';
  const lastSuccess = useQuery({
    ...lastSuccessfulRunQueryOptions(run.workflowIdentifier, run.createdAt),
    enabled: failed,
  });
  if (!failed && !run.rerunOf) return null;
  return (
    <Group gap="xs">
      {failed &&
        (lastSuccess.data ? (
          <Button
            size="xs"
            variant="light"
            renderRoot={(props) => (
              <Link
                to="/runs/compare"
                search={{ a: lastSuccess.data!, b: run.identifier }}
                {...props}
              />
            )}
          >
            Compare with the last successful run
          </Button>
        ) : (
          <Tooltip label={lastSuccess.isPending ? 'Looking…' : 'No earlier successful run'}>
            <Button size="xs" variant="light" disabled data-disabled>
              Compare with the last successful run
            </Button>
          </Tooltip>
        ))}
      {run.rerunOf && run.rerunOfDeleted && (
        <Tooltip label="The original run no longer exists">
          <Button size="xs" variant="light" disabled data-disabled>
            Compare with the original
          </Button>
        </Tooltip>
      )}
      {run.rerunOf && !run.rerunOfDeleted && (
        <Button
          size="xs"
          variant="light"
          renderRoot={(props) => (
            <Link to="/runs/compare" search={{ a: run.rerunOf!, b: run.identifier }} {...props} />
          )}
        >
          Compare with the original
        </Button>
      )}
    </Group>
  );
}
