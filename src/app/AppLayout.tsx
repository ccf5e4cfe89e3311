import { AppShell, Button, Group, Menu, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, Outlet } from '@tanstack/react-router';
import { FlowIcon } from '../components/icons';
import { meQueryOptions } from '../features/auth/api';
import { session } from '../lib/api';
import { ColorSchemeToggle } from './ColorSchemeToggle';

const comingSoon = ['Action runs', 'Entities'] as const;

export function AppLayout() {
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
                <Button
                  variant="subtle"
                  size="compact-md"
                  renderRoot={(props) => (
                    <Link
                      to="/workflows"
                      activeProps={{ 'aria-current': 'page', 'data-active': true }}
                      {...props}
                    />
                  )}
                >
                  Workflows
                </Button>
                {comingSoon.map((label) => (
                  <Tooltip key={label} label="Coming with action runs" withArrow>
                    <Button
                      variant="subtle"
                      color="gray"
                      c="dimmed"
                      size="compact-md"
                      aria-disabled="true"
                      style={{ cursor: 'not-allowed' }}
                      onClick={(e) => e.preventDefault()}
                    >
                      {label}
                    </Button>
                  </Tooltip>
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
        <Outlet />
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
