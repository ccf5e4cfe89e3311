import { useCallback, useState, useSyncExternalStore } from 'react';

interface Ticker {
  now: number;
  listeners: Set<() => void>;
  timer: ReturnType<typeof setInterval> | null;
}

// One interval per period shared by every subscriber: a list of 2 000 rows is one timer, not 2 000.
const tickers = new Map<number, Ticker>();

function tickerFor(ms: number): Ticker {
  let t = tickers.get(ms);
  if (!t) {
    t = { now: Date.now(), listeners: new Set(), timer: null };
    tickers.set(ms, t);
  }
  // Idle tickers catch up once per period, so a new subscriber does not start from a stale time.
  if (!t.timer && Date.now() - t.now >= ms) t.now = Date.now();
  return t;
}

function subscribe(ms: number, listener: () => void) {
  const t = tickerFor(ms);
  t.listeners.add(listener);
  t.timer ??= setInterval(() => {
    t.now = Date.now();
    for (const l of t.listeners) l();
  }, ms);
  return () => {
    t.listeners.delete(listener);
    if (t.listeners.size === 0 && t.timer) {
      clearInterval(t.timer);
      t.timer = null;
    }
  };
}

const idle = () => () => {};

/** The current time, re-read every `intervalMs` while `active`; frozen otherwise. */
export function useNow(active: boolean, intervalMs = 1_000): number {
  const [frozen] = useState(() => Date.now());
  const sub = useCallback(
    (listener: () => void) => (active ? subscribe(intervalMs, listener) : idle()),
    [active, intervalMs],
  );
  return useSyncExternalStore(sub, () => (active ? tickerFor(intervalMs).now : frozen));
}
