import { AppShell, Button, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, Outlet } from '@tanstack/react-router';
import { FlowIcon } from '../components/icons';
import { CurrentUserContext } from '../components/run-controls';
import { meQueryOptions } from '../features/auth/api';
import { session } from '../lib/api';
import { ColorSchemeToggle } from '../components/ColorSchemeToggle';

const NAV = [
  { to: '/workflows', label: 'Workflows' },
  { to: '/actions/runs', label: 'Action runs' },
  { to: '/entities', label: 'Entities' },
] as const;

export function AppLayout() {
  const me = useQuery(meQueryOptions()).data;
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <UnstyledButton
              renderRoot={(props) => <Link to="/workflows" {...props} />}
              aria-label="Runboard home"
            >
              <Group gap={8} wrap="nowrap">
                <FlowIcon size={22} color="var(--mantine-color-indigo-6)" />
                <Text fw={700} size="lg">
                  Runboard
                </Text>
              </Group>
            </UnstyledButton>
            <nav aria-label="Main">
              <Group gap={4} wrap="nowrap">
                {NAV.map(({ to, label }) => (
                  <Button
                    key={to}
                    variant="subtle"
                    size="compact-md"
                    renderRoot={(props) => (
                      <Link
                        to={to}
                        activeProps={{ 'aria-current': 'page', 'data-active': true }}
                        {...props}
                      />
                    )}
                  >
                    {label}
                  </Button>
                ))}
              </Group>
            </nav>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <UserMenu />
            <ColorSchemeToggle />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <CurrentUserContext value={me}>
          <Outlet />
        </CurrentUserContext>
      </AppShell.Main>
    </AppShell>
  );
}

function UserMenu() {
  const me = useQuery(meQueryOptions());
  return (
    <Menu position="bottom-end" withArrow>
      <Menu.Target>
        <Button variant="default" size="compact-md" aria-label="Account">
          {me.data ? me.data.email : 'Account'}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {me.data && (
          <Menu.Label>
            Signed in as {me.data.email} ({me.data.role})
          </Menu.Label>
        )}
        <Menu.Item onClick={() => session.clear()}>Sign out</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
