import { Anchor, Text, Tooltip } from '@mantine/core';
import { Link } from '@tanstack/react-router';

/** Why a run of a deleted workflow cannot be re-run (the server answers 409 workflow_deleted). */
export const rerunRefusedHint = (identifier: string) =>
  `Workflow ${identifier} has been deleted; its runs stay readable but cannot be re-run.`;

/** What the tooltip on a deleted workflow's name says. */
export const deletedWorkflowHint = (identifier: string) =>
  `Workflow ${identifier} has been deleted. Its runs are kept and still open.`;

/**
 * A workflow by the name a run or an audit entry recorded: a link to the workflow's page while it
 * exists; once deleted, the name as plain text with "(deleted)" and a tooltip saying so, never a
 * link to a page that would only say "not found". `inherit`: in the surrounding text's size.
 */
export function WorkflowName({
  identifier,
  name,
  deleted,
  inherit,
}: {
  identifier: string;
  name: string;
  deleted: boolean;
  inherit?: boolean;
}) {
  const size = inherit ? { inherit: true } : { size: 'sm' };
  if (deleted) {
    return (
      <Tooltip label={deletedWorkflowHint(identifier)} withArrow multiline maw={280}>
        <Text component="span" {...size} data-workflow-deleted>
          {name}{' '}
          <Text component="span" inherit c="dimmed">
            (deleted)
          </Text>
        </Text>
      </Tooltip>
    );
  }
  return (
    <Anchor
      {...size}
      renderRoot={(props) => (
        <Link to="/workflows/$workflowId" params={{ workflowId: identifier }} {...props} />
      )}
    >
      {name}
    </Anchor>
  );
}
