import {
  AppShell,
  Box,
  Burger,
  Button,
  Divider,
  Group,
  Menu,
  NavLink,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Link, Outlet } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { ColorSchemeToggle } from '../components/ColorSchemeToggle';
import { RunIdBox } from '../components/RunIdBox';
import { FlowIcon } from '../components/icons';
import { CurrentUserContext } from '../components/run-controls';
import { meQueryOptions, signOutEverywhere } from '../features/auth/api';
import { signOut } from '../lib/api';
import { useStagedMount } from '../lib/use-staged-mount';
import { useDisplayName } from '../lib/users';

const NAV = [
  { to: '/workflows', label: 'Workflows' },
  { to: '/runs', label: 'Runs' },
  { to: '/actions/runs', label: 'Action runs' },
  { to: '/audit-log', label: 'Audit log' },
  { to: '/entities', label: 'Entities' },
] as const;

/** The one width rule: every page fills the window up to this width, centred beyond it. */
const PAGE_MAX_WIDTH = 1400;

/**
 * Where the header holds the navigation, the run-id box and the account menu: from 1200 px
 * (Mantine's `lg`); below it a burger opens them in a navbar, so no link or Sign out is ever off
 * screen. The five links, the box (130 px up to `xl`) and an account name as long as the button
 * shows (200 px, then an ellipsis) take 1 137 px: at 992 px (the earlier breakpoint) the theme
 * toggle ended past the window's edge with any name, at 1024 px with a name of more than ~13
 * characters. shell.spec checks 768, 1024 and 1200 px with such a name: a sixth link that does
 * not fit at 1200 px fails it.
 */
const HEADER_NAV_FROM = 'lg';

/** The signed-in shell (see HEADER_NAV_FROM). */
export function AppLayout({ children }: { children?: ReactNode }) {
  const me = useQuery(meQueryOptions()).data;
  const [navOpened, nav] = useDisclosure(false);
  const [navMounted, setNavMounted] = useState(false);
  // The page mounts in a transition once the shell has committed: on a cold load the shell's
  // commit and the page's first one are two tasks instead of one (21–23 ms of CPU together on
  // the run page). In-app navigations keep the shell mounted and never wait for this.
  const pageStage = useStagedMount(1);
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{
        width: 260,
        breakpoint: HEADER_NAV_FROM,
        collapsed: { mobile: !navOpened, desktop: true },
      }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <Burger
              opened={navOpened}
              onClick={() => {
                setNavMounted(true);
                nav.toggle();
              }}
              hiddenFrom={HEADER_NAV_FROM}
              size="sm"
              aria-label={navOpened ? 'Close navigation' : 'Open navigation'}
            />
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
            <Box component="nav" aria-label="Main" visibleFrom={HEADER_NAV_FROM}>
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
            </Box>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Box visibleFrom={HEADER_NAV_FROM}>
              <RunIdBox w={{ base: 130, xl: 180 }} />
            </Box>
            <Box visibleFrom={HEADER_NAV_FROM}>
              <UserMenu />
            </Box>
            <ColorSchemeToggle />
          </Group>
        </Group>
      </AppShell.Header>
      {/* Below HEADER_NAV_FROM only; out of the tab order and the accessibility tree while
          closed. Its content mounts when first opened: a cold load's first render (the router's,
          which React never time-slices) does not build a navigation that desktops never show. */}
      <AppShell.Navbar p="md" aria-label="Main" hiddenFrom={HEADER_NAV_FROM} inert={!navOpened}>
        {navMounted && <NavbarContent onDone={nav.close} />}
      </AppShell.Navbar>
      <AppShell.Main>
        <Box maw={PAGE_MAX_WIDTH} mx="auto">
          <CurrentUserContext value={me}>
            {pageStage >= 1 ? (children ?? <Outlet />) : null}
          </CurrentUserContext>
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}

/** The narrow screens' navigation: the run-id box, the pages, the account and signing out. */
function NavbarContent({ onDone }: { onDone: () => void }) {
  const me = useQuery(meQueryOptions()).data;
  return (
    <>
      <Box mb="sm">
        <RunIdBox onDone={onDone} />
      </Box>
      <Stack gap={4}>
        {NAV.map(({ to, label }) => (
          <NavLink
            key={to}
            label={label}
            onClick={onDone}
            renderRoot={(props) => (
              <Link
                to={to}
                activeProps={{ 'aria-current': 'page', 'data-active': true }}
                {...props}
              />
            )}
          />
        ))}
      </Stack>
      <Divider my="md" />
      {me && (
        <Text size="sm" c="dimmed" mb="xs" style={{ overflowWrap: 'anywhere' }}>
          Signed in as {me.email} ({me.role})
        </Text>
      )}
      <Stack gap="xs">
        <NavLink
          label="People"
          onClick={onDone}
          renderRoot={(props) => <Link to="/settings/people" {...props} />}
        />
        {me?.role === 'admin' && (
          <NavLink
            label="Machine credentials"
            onClick={onDone}
            renderRoot={(props) => <Link to="/settings/credentials" {...props} />}
          />
        )}
        <Button variant="default" onClick={() => void signOut()}>
          Sign out
        </Button>
        <Button variant="subtle" color="red" onClick={() => void signOutEverywhere()}>
          End every session
        </Button>
      </Stack>
    </>
  );
}

function UserMenu() {
  const me = useQuery(meQueryOptions());
  const name = useDisplayName(me.data?.id);
  const visible = me.data ? name || me.data.email : 'Account';
  return (
    <Menu position="bottom-end" withArrow>
      <Menu.Target>
        {/* The accessible name begins with the visible text (WCAG 2.5.3, label in name), so a
            person using speech input can say what they see. */}
        <Button
          variant="default"
          size="compact-md"
          aria-label={me.data ? `${visible}, account` : visible}
          maw={200}
        >
          <Text span inherit truncate>
            {visible}
          </Text>
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {me.data && (
          <Menu.Label>
            Signed in as {me.data.email} ({me.data.role})
          </Menu.Label>
        )}
        <Menu.Item renderRoot={(props) => <Link to="/settings/people" {...props} />}>
          People
        </Menu.Item>
        {me.data?.role === 'admin' && (
          <Menu.Item renderRoot={(props) => <Link to="/settings/credentials" {...props} />}>
            Machine credentials
          </Menu.Item>
        )}
        <Menu.Divider />
        <Menu.Item onClick={() => void signOut()}>Sign out</Menu.Item>
        <Menu.Item color="red" onClick={() => void signOutEverywhere()}>
          End every session
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
