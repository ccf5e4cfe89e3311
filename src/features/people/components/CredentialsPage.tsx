import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { displayName, type Credential } from '../../../../contract/users';
import { ListTable } from '../../../components/ListTable';
import { CopyButton } from '../../../components/CopyButton';
import { describeError, ErrorState, isForbidden } from '../../../components/ErrorState';
import { RelativeTime } from '../../../components/RelativeTime';
import { DialogFooter } from './DialogFooter';
import { userKeys, useUserDirectory } from '../../../lib/users';
import {
  createCredential,
  credentialKeys,
  credentialsQueryOptions,
  revokeCredential,
  rotateCredential,
  type IssuedSecret,
} from '../api';

/**
 * What a member sees instead of the list: who may manage credentials and whom to ask, by name
 * (the organization's active admins). Nothing to retry: asking again gets the same answer.
 */
function AdminsOnly() {
  const { users } = useUserDirectory();
  const admins = users
    .filter((u) => u.role === 'admin' && u.status === 'ACTIVE')
    .map((u) => displayName(u));
  const ask = admins.length > 0 ? `Ask an admin (${admins.join(', ')})` : 'Ask an admin';
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Machine credentials
      </Title>
      <Alert color="blue" variant="light" title="Only admins manage machine credentials">
        <Text size="sm">
          {ask} to make a credential for your backend, or to give you the admin role.
        </Text>
      </Alert>
    </Stack>
  );
}

/** Admins hand backends their own client id/secret pairs, rotate and revoke them. */
export function CredentialsPage() {
  const list = useQuery(credentialsQueryOptions());
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<IssuedSecret | null>(null);
  if (isForbidden(list.error)) return <AdminsOnly />;
  if (list.error) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          Machine credentials
        </Title>
        <Button onClick={() => setCreating(true)}>New credential</Button>
      </Group>
      <Text size="sm" c="dimmed">
        Backends, Port’s GitHub Action and Ocean agents exchange these for bearer tokens at{' '}
        <Code>POST /v1/auth/access_token</Code>. A secret is shown once, when made or rotated.
      </Text>
      <ListTable
        minWidth={640}
        framed={false}
        verticalSpacing="sm"
        aria-label="Machine credentials"
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Client id</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data ?? []).map((credential) => (
            <CredentialRow key={credential.id} credential={credential} onIssued={setIssued} />
          ))}
        </Table.Tbody>
      </ListTable>
      <CreateCredentialModal
        opened={creating}
        onClose={() => setCreating(false)}
        onIssued={setIssued}
      />
      <SecretModal issued={issued} onClose={() => setIssued(null)} />
    </Stack>
  );
}

function useCredentialChange<T>(fn: (id: string) => Promise<T>, onDone?: (r: T) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: credentialKeys.all });
      await queryClient.invalidateQueries({ queryKey: userKeys.all });
      onDone?.(result);
    },
  });
}

function CredentialRow({
  credential,
  onIssued,
}: {
  credential: Credential;
  onIssued: (issued: IssuedSecret) => void;
}) {
  const rotate = useCredentialChange(rotateCredential, onIssued);
  const revoke = useCredentialChange(revokeCredential);
  const [confirming, setConfirming] = useState(false);
  const active = credential.status === 'ACTIVE';
  const error = rotate.error ?? revoke.error;
  return (
    <Table.Tr>
      <Table.Td data-label="Name">
        <Text size="sm" fw={500}>
          {credential.name}
        </Text>
        {credential.source === 'environment' && (
          <Text size="xs" c="dimmed">
            From the environment (RUNBOARD_MACHINE_CLIENT_*)
          </Text>
        )}
        {error && (
          <Text size="xs" c="red" role="alert">
            {describeError(error).message}
          </Text>
        )}
      </Table.Td>
      <Table.Td data-label="Client id">
        <Group gap={4} wrap="nowrap">
          <Code>{credential.clientId}</Code>
          <CopyButton value={credential.clientId} label={`Copy client id of ${credential.name}`} />
        </Group>
      </Table.Td>
      <Table.Td data-label="Last used">
        {credential.lastUsedAt ? (
          <RelativeTime value={credential.lastUsedAt} />
        ) : (
          <Text size="sm" c="dimmed">
            Never
          </Text>
        )}
      </Table.Td>
      <Table.Td data-label="Status">
        <Badge variant="dot" color={active ? 'teal' : 'red'}>
          {active ? 'Active' : 'Revoked'}
        </Badge>
      </Table.Td>
      <Table.Td data-wide>
        {active && (
          <Group gap="xs" wrap="nowrap" justify="flex-end">
            {credential.source === 'app' && (
              <Button
                size="compact-sm"
                variant="default"
                loading={rotate.isPending}
                onClick={() => rotate.mutate(credential.id)}
                aria-label={`Rotate secret of ${credential.name}`}
              >
                Rotate
              </Button>
            )}
            <Button
              size="compact-sm"
              variant="light"
              color="red"
              onClick={() => setConfirming(true)}
              aria-label={`Revoke ${credential.name}`}
            >
              Revoke
            </Button>
          </Group>
        )}
        <Modal opened={confirming} onClose={() => setConfirming(false)} title="Revoke credential">
          <Stack gap="md">
            <Text size="sm">
              “{credential.name}” and every token issued with it stop working at once. This cannot
              be undone.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
              <Button
                color="red"
                loading={revoke.isPending}
                onClick={() =>
                  revoke.mutate(credential.id, { onSettled: () => setConfirming(false) })
                }
              >
                Revoke
              </Button>
            </Group>
          </Stack>
        </Modal>
      </Table.Td>
    </Table.Tr>
  );
}

function CreateCredentialModal({
  opened,
  onClose,
  onIssued,
}: {
  opened: boolean;
  onClose: () => void;
  onIssued: (issued: IssuedSecret) => void;
}) {
  const [name, setName] = useState('');
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: createCredential,
    onSuccess: async (issued) => {
      await queryClient.invalidateQueries({ queryKey: credentialKeys.all });
      await queryClient.invalidateQueries({ queryKey: userKeys.all });
      setName('');
      onClose();
      onIssued(issued);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(name.trim());
  };
  return (
    <Modal opened={opened} onClose={onClose} title="New machine credential">
      <form onSubmit={submit} aria-label="New machine credential">
        <Stack gap="sm">
          <TextInput
            label="Name"
            description="Who uses it, e.g. “Deploy backend” or “GitHub Actions”"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <DialogFooter
            error={create.error}
            errorTitle="Could not create"
            submitLabel="Create"
            pending={create.isPending}
            onCancel={onClose}
          />
        </Stack>
      </form>
    </Modal>
  );
}

function SecretModal({ issued, onClose }: { issued: IssuedSecret | null; onClose: () => void }) {
  return (
    <Modal opened={issued !== null} onClose={onClose} title="Copy the secret now" size="lg">
      {issued && (
        <Stack gap="sm">
          <Alert color="yellow" variant="light" role="note">
            This is the only time the secret of “{issued.credential.name}” is shown. Store it in
            your backend’s secret store.
          </Alert>
          <Text size="sm" fw={500}>
            Client id
          </Text>
          <Group gap={4} wrap="nowrap">
            <Code style={{ overflowWrap: 'anywhere' }}>{issued.credential.clientId}</Code>
            <CopyButton value={issued.credential.clientId} label="Copy client id" />
          </Group>
          <Text size="sm" fw={500}>
            Client secret
          </Text>
          <Group gap={4} wrap="nowrap">
            <Code data-testid="issued-secret" style={{ overflowWrap: 'anywhere' }}>
              {issued.clientSecret}
            </Code>
            <CopyButton value={issued.clientSecret} label="Copy client secret" />
          </Group>
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
