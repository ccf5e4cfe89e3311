import { queryOptions } from '@tanstack/react-query';
import type { Credential, InviteBody, UpdateUserBody, User } from '../../../contract/users';
import { api } from '../../lib/api';

export const credentialKeys = { all: ['credentials'] as const };

export const credentialsQueryOptions = () =>
  queryOptions({
    queryKey: credentialKeys.all,
    queryFn: ({ signal }) =>
      api<{ credentials: Credential[] }>('/credentials', { signal }).then((b) => b.credentials),
  });

export const invitePerson = (body: InviteBody) =>
  api<{ user: User }>('/users/invite', { method: 'POST', body }).then((b) => b.user);

export const updatePerson = (id: string, body: UpdateUserBody) =>
  api<{ user: User }>(`/users/${encodeURIComponent(id)}`, { method: 'PATCH', body }).then(
    (b) => b.user,
  );

export interface IssuedSecret {
  credential: Credential;
  clientSecret: string;
}

export const createCredential = (name: string) =>
  api<IssuedSecret>('/credentials', { method: 'POST', body: { name } });

export const rotateCredential = (id: string) =>
  api<IssuedSecret>(`/credentials/${encodeURIComponent(id)}/rotate`, { method: 'POST' });

export const revokeCredential = (id: string) =>
  api<{ credential: Credential }>(`/credentials/${encodeURIComponent(id)}`, { method: 'DELETE' });
