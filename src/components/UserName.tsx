import { Text, Tooltip, type TextProps } from '@mantine/core';
import { displayName } from '../../contract/users';
import { useUserDirectory } from '../lib/users';

/**
 * A user id (or email) shown as the person's name, with their email and id in a tooltip; the id
 * itself while names load or for a user the server does not know.
 */
export function UserName({ id, ...text }: { id: string | null | undefined } & TextProps) {
  const user = useUserDirectory().get(id);
  if (!id) return null;
  const name = displayName(user, id);
  const detail = user ? [user.email !== name ? user.email : null, user.id].filter(Boolean) : [];
  const label = (
    <Text span size="sm" {...text}>
      {name}
    </Text>
  );
  return detail.length ? (
    <Tooltip label={detail.join(' · ')} openDelay={300}>
      {label}
    </Tooltip>
  ) : (
    label
  );
}
