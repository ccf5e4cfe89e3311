import {
  Badge,
  Button,
  Group,
  Modal,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { displayName, type PersonRole, type User } from '../../../../contract/users';
import { ListTable } from '../../../components/ListTable';
import { describeError, ErrorState } from '../../../components/ErrorState';
import { useCurrentUser } from '../../../components/run-controls';
import { DialogFooter } from './DialogFooter';
import { userKeys, usersQueryOptions } from '../../../lib/users';
import { invitePerson, updatePerson } from '../api';

const ROLE_OPTIONS = [
  { value: 'member', label: 'Member' },
  { value: 'admin', label: 'Admin' },
];

/** Admins add people, change roles and deactivate; members see who is here. */
export function PeoplePage() {
  const users = useQuery(usersQueryOptions());
  const me = useCurrentUser();
  const isAdmin = me?.role === 'admin';
  const [adding, setAdding] = useState(false);
  if (users.error) return <ErrorState error={users.error} onRetry={() => void users.refetch()} />;
  const people = (users.data ?? []).filter((u) => u.role !== 'machine');
  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          People
        </Title>
        {isAdmin && <Button onClick={() => setAdding(true)}>Add person</Button>}
      </Group>
      <ListTable minWidth={560} framed={false} verticalSpacing="sm" aria-label="People">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {people.map((person) => (
            <PersonRow key={person.id} person={person} editable={isAdmin && me?.id !== person.id} />
          ))}
        </Table.Tbody>
      </ListTable>
      <AddPersonModal opened={adding} onClose={() => setAdding(false)} />
    </Stack>
  );
}

function PersonRow({ person, editable }: { person: User; editable: boolean }) {
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (body: Parameters<typeof updatePerson>[1]) => updatePerson(person.id, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });
  const name = displayName(person);
  const failure = change.error ? describeError(change.error) : null;
  return (
    <Table.Tr>
      <Table.Td data-label="Name">
        <Text size="sm" fw={500}>
          {name === person.email ? '—' : name}
        </Text>
        {failure && (
          <Text size="xs" c="red" role="alert">
            {failure.message}
          </Text>
        )}
      </Table.Td>
      <Table.Td data-label="Email">
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          {person.email}
        </Text>
      </Table.Td>
      <Table.Td data-label="Role">
        {editable ? (
          <Select
            aria-label={`Role of ${name}`}
            data={ROLE_OPTIONS}
            value={person.role}
            allowDeselect={false}
            onChange={(role) => role && change.mutate({ role: role as PersonRole })}
            disabled={change.isPending}
            w={130}
            size="xs"
          />
        ) : (
          <Badge variant="outline" color={person.role === 'admin' ? 'indigo' : 'gray'}>
            {person.role}
          </Badge>
        )}
      </Table.Td>
      <Table.Td data-label="Status" data-wide>
        <Group gap="xs" wrap="nowrap">
          <Badge variant="dot" color={person.status === 'ACTIVE' ? 'teal' : 'red'}>
            {person.status === 'ACTIVE' ? 'Active' : 'Deactivated'}
          </Badge>
          {editable && (
            <Button
              size="compact-xs"
              variant="subtle"
              color={person.status === 'ACTIVE' ? 'red' : 'teal'}
              loading={change.isPending}
              onClick={() =>
                change.mutate({ status: person.status === 'ACTIVE' ? 'DISABLED' : 'ACTIVE' })
              }
              aria-label={`${person.status === 'ACTIVE' ? 'Deactivate' : 'Reactivate'} ${name}`}
            >
              {person.status === 'ACTIVE' ? 'Deactivate' : 'Reactivate'}
            </Button>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function AddPersonModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [role, setRole] = useState<PersonRole>('member');
  const [password, setPassword] = useState('');
  const add = useMutation({
    mutationFn: invitePerson,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: userKeys.all });
      setEmail('');
      setFirstName('');
      setLastName('');
      setPassword('');
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate({
      invitee: {
        email: email.trim(),
        firstName: firstName.trim() || undefined,
        lastName: lastName.trim() || undefined,
        roles: [role === 'admin' ? 'Admin' : 'Member'],
      },
      ...(password ? { password } : {}),
    });
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Add a person">
      <form onSubmit={submit} aria-label="Add a person">
        <Stack gap="sm">
          <TextInput
            label="Email"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <Group grow>
            <TextInput
              label="First name"
              value={firstName}
              onChange={(e) => setFirstName(e.currentTarget.value)}
            />
            <TextInput
              label="Last name"
              value={lastName}
              onChange={(e) => setLastName(e.currentTarget.value)}
            />
          </Group>
          <Select
            label="Role"
            data={ROLE_OPTIONS}
            value={role}
            allowDeselect={false}
            onChange={(v) => setRole((v as PersonRole | null) ?? 'member')}
          />
          <PasswordInput
            label="First password"
            description="At least 12 characters; leave empty for single sign-on only"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
          />
          <DialogFooter
            error={add.error}
            errorTitle="Could not add"
            submitLabel="Add"
            pending={add.isPending}
            onCancel={onClose}
          />
        </Stack>
      </form>
    </Modal>
  );
}
