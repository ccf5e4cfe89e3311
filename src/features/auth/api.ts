import { queryOptions } from '@tanstack/react-query';
import type { ServerInfo, SignInBody } from '../../../contract/auth';
import type { User } from '../../../contract/users';
import { api, session } from '../../lib/api';

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

/** Who the session cookie belongs to; a 401 here means the tab is not signed in. */
export const meQueryOptions = () =>
  queryOptions({
    queryKey: authKeys.me,
    queryFn: async ({ signal }) => {
      const { user } = await api<{ user: Me }>('/me', { signal });
      session.confirm();
      return user;
    },
    staleTime: Infinity,
    retry: false,
  });

/** Email and password: the server answers with an httpOnly session cookie (nothing to keep here). */
export async function signIn(body: SignInBody) {
  const { user } = await api<{ user: User }>('/auth/sign-in', { method: 'POST', body });
  session.confirm();
  return user;
}

/** Ends every session and token of the signed-in person, this tab's included. */
export async function signOutEverywhere() {
  await api('/auth/sign-out-everywhere', { method: 'POST' });
  session.clear();
}
