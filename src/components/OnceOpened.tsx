import { useState, type ReactNode } from 'react';

/**
 * Renders its dialog from the first time it is opened, and keeps it mounted after (its closing
 * transition plays, and it opens again at once). A closed Mantine Modal still runs its hooks and
 * effects: the run page's six closed dialogs were part of the commit that mounts its controls.
 */
export function OnceOpened({ opened, children }: { opened: boolean; children: ReactNode }) {
  const [seen, setSeen] = useState(opened);
  if (opened && !seen) setSeen(true);
  return seen || opened ? children : null;
}
