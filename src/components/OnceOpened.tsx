import { useLayoutEffect, useState, type ReactNode } from 'react';

/**
 * Renders its dialog from the first time it is opened, and keeps it mounted after (ControlDialog's
 * Modal: a closed Mantine Modal still runs its hooks and effects). The first open mounts the dialog closed and opens it in a
 * layout effect (before the browser paints), as a dialog mounted from the start would be opened:
 * Mantine remembers the focused element only when `opened` changes (useFocusReturn), and plays
 * its enter transition only then — mounted already open, the first close left focus nowhere.
 */
export function OnceOpened({
  opened,
  children,
}: {
  opened: boolean;
  children: (opened: boolean) => ReactNode;
}) {
  const [mounted, setMounted] = useState(false);
  useLayoutEffect(() => {
    // The second render is the point: the dialog's first commit closed, the next one open.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (opened && !mounted) setMounted(true);
  }, [opened, mounted]);
  if (!mounted && !opened) return null;
  return children(mounted && opened);
}
