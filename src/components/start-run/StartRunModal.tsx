import { Button, Modal, Select, Skeleton, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import type { Action } from '../../../contract/actions';
import type { WorkflowNode } from '../../../contract/workflows';
import { describeError, ErrorState } from '../ErrorState';
import { actionsQueryOptions, startActionRun, startWorkflowRun, type StartRunRequest } from './api';
import { entityRequired, workflowUserInputs } from './definitions';
import { LazyRunInputsForm as RunInputsForm } from './LazyRunInputsForm';

const modalProps = { size: 'lg', closeButtonProps: { 'aria-label': 'Close' } } as const;

const serverMessage = (error: Error | null) => (error ? describeError(error).message : null);

interface WorkflowProps {
  workflow: { identifier: string; title: string; nodes: WorkflowNode[] };
}

/** "Run" on a workflow: its trigger's inputs, then the new run's page, which follows it live. */
export function RunWorkflowButton({ workflow }: WorkflowProps) {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button onClick={open}>Run</Button>
      <Modal opened={opened} onClose={close} title={`Run ${workflow.title}`} {...modalProps}>
        {opened && <StartWorkflowRunForm workflow={workflow} />}
      </Modal>
    </>
  );
}

function StartWorkflowRunForm({ workflow }: WorkflowProps) {
  const navigate = useNavigate();
  const start = useMutation({
    mutationFn: (request: StartRunRequest) => startWorkflowRun(workflow.identifier, request),
    onSuccess: (run) => void navigate({ to: '/runs/$runId', params: { runId: run.identifier } }),
  });
  return (
    <RunInputsForm
      userInputs={workflowUserInputs(workflow.nodes)}
      entity="optional"
      pending={start.isPending}
      serverError={serverMessage(start.error)}
      onSubmit={(request) => start.mutate(request)}
    />
  );
}

/** "Run action" on the action runs page: pick the action, fill its inputs, follow the run. */
export function RunActionButton() {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button onClick={open}>Run action</Button>
      <Modal opened={opened} onClose={close} title="Run an action" {...modalProps}>
        {opened && <StartActionRunForm />}
      </Modal>
    </>
  );
}

function StartActionRunForm() {
  const actions = useQuery(actionsQueryOptions());
  const [actionId, setActionId] = useState<string | null>(null);
  if (actions.isPending) return <Skeleton h={36} aria-label="Loading actions" />;
  if (!actions.data) {
    return <ErrorState error={actions.error} onRetry={() => void actions.refetch()} />;
  }
  if (actions.data.length === 0) {
    return <Text c="dimmed">There are no self-service actions in this organization yet.</Text>;
  }
  const action = actions.data.find((a) => a.identifier === actionId) ?? null;
  return (
    <Stack gap="md">
      <Select
        label="Action"
        placeholder="Pick an action"
        data={actions.data.map((a) => ({ value: a.identifier, label: a.title }))}
        value={actionId}
        onChange={setActionId}
        searchable
      />
      {action && <ActionInputs key={action.identifier} action={action} />}
    </Stack>
  );
}

function ActionInputs({ action }: { action: Action }) {
  const navigate = useNavigate();
  const start = useMutation({
    mutationFn: (request: StartRunRequest) => startActionRun(action.identifier, request),
    onSuccess: (run) => void navigate({ to: '/actions/runs/$runId', params: { runId: run.id } }),
  });
  return (
    <Stack gap="sm">
      {action.description && (
        <Text size="sm" c="dimmed">
          {action.description}
        </Text>
      )}
      <RunInputsForm
        userInputs={action.trigger.userInputs}
        entity={entityRequired(action.trigger.operation) ? 'required' : 'none'}
        entityBlueprint={action.blueprint || null}
        pending={start.isPending}
        serverError={serverMessage(start.error)}
        onSubmit={(request) => start.mutate(request)}
      />
    </Stack>
  );
}
