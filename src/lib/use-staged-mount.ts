import { startTransition, useEffect, useState } from 'react';

/**
 * Mounts a page in stages: returns 0 on the first render, then 1, 2, … up to `stages`, each
 * stage rendered in a transition started once the one before has committed. A page renders its
 * frame first and each heavy part in its own transition: React renders a transition in ~5 ms
 * slices, and each stage's commit, effects and layout are a task of their own instead of one
 * long task for the whole page (the router commits a route through useSyncExternalStore, an
 * update React never time-slices).
 */
export function useStagedMount(stages: number): number {
  const [stage, setStage] = useState(0);
  useEffect(() => {
    if (stage >= stages) return;
    // A macrotask between stages, so the browser lays out and paints the stage just committed.
    const timer = setTimeout(() => startTransition(() => setStage(stage + 1)), 0);
    return () => clearTimeout(timer);
  }, [stage, stages]);
  return stage;
}
