import { queryOptions } from '@tanstack/react-query';
import type { ServerInfo } from '../../../contract/auth';
import { api, requestToken, session, type Credentials } from '../../lib/api';

export const authKeys = {
  serverInfo: ['server-info'] as const,
  me: ['me'] as const,
};

export const serverInfoQueryOptions = () =>
  queryOptions({
    queryKey: authKeys.serverInfo,
    queryFn: ({ signal }) => api<ServerInfo>('/server-info', { signal }),
    staleTime: Infinity,
  });

export interface Me {
  id: string;
  email: string;
  role: 'admin' | 'member' | 'machine';
}

export const meQueryOptions = () =>
  queryOptions({
    queryKey: authKeys.me,
    queryFn: ({ signal }) => api<{ user: Me }>('/me', { signal }).then((b) => b.user),
    staleTime: Infinity,
  });

export async function signIn(credentials: Credentials) {
  const token = await requestToken(credentials);
  session.save(credentials, token);
}
