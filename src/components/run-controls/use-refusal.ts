import { useState } from 'react';
import { refusalMessage } from './access';

/**
 * The last refusal of a control's act, in the server's words (RefusalAlert shows it): `clear` it
 * when an act starts or the alert is dismissed; `refuse` is the act's mutation's onError.
 */
export function useRefusal() {
  const [refusal, setRefusal] = useState<string | null>(null);
  return {
    refusal,
    clear: () => setRefusal(null),
    refuse: (err: unknown) => setRefusal(refusalMessage(err)),
  };
}
