import {
  Alert,
  Anchor,
  Button,
  Center,
  Divider,
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
import { ApiRequestError } from '../../../lib/api';
import { serverInfoQueryOptions, signIn } from '../api';
import { safeRedirect } from '../redirect';

export function SignInPage({
  redirect,
  error,
}: {
  redirect: string | undefined;
  /** Why a single sign-on came back refused (set by the server's redirect). */
  error?: string | undefined;
}) {
  const info = useQuery(serverInfoQueryOptions());
  return (
    <Center component="main" mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={400} maw="100%">
        <Stack gap="md">
          <Stack gap={4} align="center">
            <FlowIcon size={32} />
            <Title order={1} size="h2">
              Sign in to Runboard
            </Title>
          </Stack>
          {error && (
            <Alert color="red" variant="light" role="alert" title="Single sign-on failed">
              {error}
            </Alert>
          )}
          {info.isPending ? (
            <Stack gap="md" aria-busy="true">
              <Skeleton h={60} />
              <Skeleton h={60} />
              <Skeleton h={36} />
            </Stack>
          ) : (
            <SignInForms info={info.data ?? null} redirect={redirect} />
          )}
        </Stack>
      </Paper>
    </Center>
  );
}

function SignInForms({
  info,
  redirect,
}: {
  info: ServerInfo | null;
  redirect: string | undefined;
}) {
  const sso = info?.sso ?? null;
  const target = safeRedirect(redirect);
  return (
    <Stack gap="md">
      {sso && (
        <>
          <Button
            component="a"
            href={`/v1/auth/oidc/start?redirect=${encodeURIComponent(target)}`}
            variant="filled"
            fullWidth
          >
            Sign in with {sso.name}
          </Button>
          <Divider label="or with your email" labelPosition="center" />
        </>
      )}
      <PasswordForm info={info} target={target} primary={!sso} />
      <Text size="xs" ta="center">
        Backends and scripts use client credentials with{' '}
        <Anchor href="/v1/openapi.json" size="xs" underline="always">
          POST /v1/auth/access_token
        </Anchor>
        .
      </Text>
    </Stack>
  );
}

function PasswordForm({
  info,
  target,
  primary,
}: {
  info: ServerInfo | null;
  target: string;
  primary: boolean;
}) {
  const demo = info?.demoCredentials ?? null;
  const [email, setEmail] = useState(demo?.email ?? '');
  const [password, setPassword] = useState(demo?.password ?? '');
  const router = useRouter();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: signIn,
    onSuccess: () => {
      queryClient.clear();
      router.history.push(target);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate({ email: email.trim(), password });
  };
  const err = mutation.error;
  const failure = err ? describeError(err) : null;
  return (
    <form onSubmit={submit} aria-label="Sign in with email and password">
      <Stack gap="md">
        {demo && (
          <Alert variant="light" color="indigo" role="note">
            This server runs the demo organization; the demo admin’s email and password are filled
            in.
          </Alert>
        )}
        <TextInput
          label="Email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          required
          autoComplete="username"
          autoFocus={!demo}
        />
        <PasswordInput
          label="Password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          required
          autoComplete="current-password"
        />
        {failure && (
          <Alert color="red" variant="light" role="alert" title="Could not sign in">
            {err instanceof ApiRequestError && err.status === 401 ? err.message : failure.message}
          </Alert>
        )}
        <Button
          type="submit"
          loading={mutation.isPending}
          fullWidth
          variant={primary ? 'filled' : 'default'}
        >
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
