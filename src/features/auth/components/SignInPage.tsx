import {
  Alert,
  Button,
  Center,
  Paper,
  PasswordInput,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import type { ServerInfo } from '../../../../contract/auth';
import { describeError } from '../../../components/ErrorState';
import { FlowIcon } from '../../../components/icons';
import { serverInfoQueryOptions, signIn } from '../api';
import { safeRedirect } from '../redirect';

export function SignInPage({ redirect }: { redirect: string | undefined }) {
  const info = useQuery(serverInfoQueryOptions());
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={400} maw="100%">
        <Stack gap="md">
          <Stack gap={4} align="center">
            <FlowIcon size={32} />
            <Title order={2}>Sign in to Runboard</Title>
            <Text size="sm" c="dimmed" ta="center">
              Use the client id and secret of your Runboard credentials.
            </Text>
          </Stack>
          {info.isPending ? (
            <Stack gap="md" aria-busy="true">
              <Skeleton h={60} />
              <Skeleton h={60} />
              <Skeleton h={36} />
            </Stack>
          ) : (
            <SignInForm info={info.data ?? null} redirect={redirect} />
          )}
        </Stack>
      </Paper>
    </Center>
  );
}

function SignInForm({ info, redirect }: { info: ServerInfo | null; redirect: string | undefined }) {
  const demo = info?.demoCredentials ?? null;
  const [clientId, setClientId] = useState(demo?.clientId ?? '');
  const [clientSecret, setClientSecret] = useState(demo?.clientSecret ?? '');
  const router = useRouter();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: signIn,
    onSuccess: () => {
      queryClient.clear();
      router.history.push(safeRedirect(redirect));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate({ clientId: clientId.trim(), clientSecret });
  };
  const failure = mutation.error ? describeError(mutation.error) : null;
  return (
    <form onSubmit={submit} aria-label="Sign in">
      <Stack gap="md">
        {demo && (
          <Alert variant="light" color="indigo" role="note">
            This server runs the demo organization; its admin credentials are filled in.
          </Alert>
        )}
        <TextInput
          label="Client id"
          value={clientId}
          onChange={(e) => setClientId(e.currentTarget.value)}
          required
          autoComplete="username"
          autoFocus={!demo}
        />
        <PasswordInput
          label="Client secret"
          value={clientSecret}
          onChange={(e) => setClientSecret(e.currentTarget.value)}
          required
          autoComplete="current-password"
        />
        {failure && (
          <Alert color="red" variant="light" role="alert" title="Could not sign in">
            {mutation.error && 'status' in mutation.error && mutation.error.status === 401
              ? 'The client id or secret is wrong.'
              : failure.message}
          </Alert>
        )}
        <Button type="submit" loading={mutation.isPending} fullWidth>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
