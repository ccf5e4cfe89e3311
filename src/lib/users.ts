import { queryOptions, useQuery } from '@tanstack/react-query';
import { displayName, type User } from '../../contract/users';
import { api } from './api';

export const userKeys = { all: ['users'] as const };

/** Everyone in the organization (`GET /v1/users`), fetched once and shared by every name shown. */
export const usersQueryOptions = () =>
  queryOptions({
    queryKey: userKeys.all,
    queryFn: ({ signal }) => api<{ users: User[] }>('/users', { signal }).then((b) => b.users),
    staleTime: 5 * 60_000,
  });

/** Users by id (and by email, for `format: user` values that carry emails). */
export function useUserDirectory() {
  const { data } = useQuery(usersQueryOptions());
  const byKey = new Map<string, User>();
  for (const user of data ?? []) {
    byKey.set(user.id, user);
    byKey.set(user.email.toLowerCase(), user);
  }
  return {
    users: data ?? [],
    get: (idOrEmail: string | null | undefined) =>
      idOrEmail ? (byKey.get(idOrEmail) ?? byKey.get(idOrEmail.toLowerCase())) : undefined,
  };
}

/** The name to show for a user id or email: the person's name, else email, else what was given. */
export function useDisplayName(idOrEmail: string | null | undefined): string {
  const directory = useUserDirectory();
  return displayName(directory.get(idOrEmail), idOrEmail ?? '');
}
