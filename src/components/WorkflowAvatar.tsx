import { Avatar } from '@mantine/core';

/** Port icons are names (e.g. "Github"), not images: show initials, name the icon in the title. */
export function WorkflowAvatar({ title, icon }: { title: string; icon: string | null }) {
  const initials = title
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase())
    .join('');
  return (
    <Avatar size="md" radius="md" color="indigo" variant="light" title={icon ?? undefined}>
      {initials || '?'}
    </Avatar>
  );
}
