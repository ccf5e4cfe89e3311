import { useEffect } from 'react';
import type { LogView } from './store';

/**
 * Streams the followed view's new lines (LogView.follow) while `enabled` and once the view knows
 * its end. Returns whether the stream is carrying the view (so interval polls stop); false when
 * the stream was refused and the view polls as before.
 */
export function useLogTail(view: LogView, enabled: boolean): boolean {
  const known = view.total !== null;
  useEffect(() => {
    if (!enabled || !known) return;
    return view.follow();
  }, [view, enabled, known]);
  return enabled && view.tailState !== 'off' && view.tailState !== 'failed';
}
