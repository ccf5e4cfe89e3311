import { useEffect, useSyncExternalStore } from 'react';
import type { LogView } from './store';

const subscribeVisibility = (onChange: () => void) => {
  document.addEventListener('visibilitychange', onChange);
  return () => document.removeEventListener('visibilitychange', onChange);
};
const pageVisible = () => document.visibilityState !== 'hidden';

/**
 * Streams the followed view's new lines (LogView.follow) while `enabled`, the tab is shown and
 * the view knows its end; a hidden tab closes its stream (as polls stop there) and resumes from
 * its last line when shown again. Returns whether the stream is carrying the view (so interval
 * polls stop); false when the stream was refused and the view polls as before.
 */
export function useLogTail(view: LogView, enabled: boolean): boolean {
  const visible = useSyncExternalStore(subscribeVisibility, pageVisible, () => true);
  const known = view.total !== null;
  const on = enabled && visible;
  useEffect(() => {
    if (!on || !known) return;
    return view.follow();
  }, [view, on, known]);
  return on && view.tailState !== 'off' && view.tailState !== 'failed';
}
