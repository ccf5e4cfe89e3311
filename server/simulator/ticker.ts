/**
 * Runs `tick` every `tickMs` on a timer that never keeps the process alive and never overlaps
 * (the next tick is scheduled when one ends). A failed tick is logged under `name` and the next
 * one still comes; `stop` waits for a tick under way.
 */
export function startTicker(
  name: string,
  tickMs: number,
  tick: () => Promise<void>,
  { immediately }: { immediately: boolean },
) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const run = () =>
    tick()
      .catch((err: unknown) => {
        console.error(`${name}: tick failed:`, err instanceof Error ? err.message : err);
      })
      .finally(schedule);
  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      current = run();
    }, tickMs);
    timer.unref();
  }
  if (immediately) current = run();
  else schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
