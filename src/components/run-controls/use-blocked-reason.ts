import { useDisplayName } from '../../lib/users';
import { controlBlockedReason } from './access';
import { useCurrentUser } from './current-user';

/**
 * controlBlockedReason for the signed-in person and a run started by `createdBy`, who is named
 * as people know them (not by user id).
 */
export function useBlockedReason(createdBy: string, acts?: string): string | null {
  const name = useDisplayName(createdBy);
  return controlBlockedReason(useCurrentUser(), { id: createdBy, name }, acts);
}
