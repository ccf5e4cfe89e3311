import { Button, Modal, Skeleton, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import type { Action } from '../../../contract/actions';
import { describeError, ErrorState } from '../ErrorState';
import { actionsQueryOptions, startActionRun } from './api';
import { entityRequired } from './definitions';
import type { StartRunRequest } from './api';
import { LazyRunInputsForm as RunInputsForm } from './LazyRunInputsForm';

interface PreviousRun {
  action: { identifier: string; title: string | null };
  properties: Record<string, unknown>;
  entity: { identifier: string } | null;
}

/**
 * "Re-run" on an action run, as Port has it: the action's start form, prefilled with this run's
 * inputs and entity (editable), then the new run's page.
 */
export function RerunActionButton({ run }: { run: PreviousRun }) {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button size="xs" variant="default" onClick={open}>
        Re-run
      </Button>
      <Modal
        opened={opened}
        onClose={close}
        title={`Re-run ${run.action.title ?? run.action.identifier}`}
        size="lg"
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        {opened && <RerunForm run={run} />}
      </Modal>
    </>
  );
}

function RerunForm({ run }: { run: PreviousRun }) {
  const actions = useQuery(actionsQueryOptions());
  if (actions.isPending) return <Skeleton h={120} aria-label="Loading the action" />;
  if (!actions.data) {
    return <ErrorState error={actions.error} onRetry={() => void actions.refetch()} />;
  }
  const action = actions.data.find((a) => a.identifier === run.action.identifier);
  if (!action) {
    return (
      <Text c="dimmed">
        The action {run.action.identifier} no longer exists (or you may not run it), so this run
        cannot be started again.
      </Text>
    );
  }
  return (
    <RerunInputs
      action={action}
      initial={{ inputs: run.properties, entity: run.entity?.identifier }}
    />
  );
}

function RerunInputs({ action, initial }: { action: Action; initial: StartRunRequest }) {
  const navigate = useNavigate();
  const start = useMutation({
    mutationFn: (request: StartRunRequest) => startActionRun(action.identifier, request),
    onSuccess: (next) => void navigate({ to: '/actions/runs/$runId', params: { runId: next.id } }),
  });
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Starts a new run of this action with the same inputs and entity; change any of them first if
        you need to.
      </Text>
      <RunInputsForm
        userInputs={action.trigger.userInputs}
        entity={entityRequired(action.trigger.operation) ? 'required' : 'none'}
        entityBlueprint={action.blueprint || null}
        pending={start.isPending}
        serverError={start.error ? describeError(start.error).message : null}
        onSubmit={(request) => start.mutate(request)}
        initialInputs={initial.inputs}
        initialEntity={initial.entity}
      />
    </Stack>
  );
}
