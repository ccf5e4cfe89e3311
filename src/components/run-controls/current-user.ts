import { createContext, useContext } from 'react';
import type { Role } from '../../../contract/auth';

export interface CurrentUser {
  id: string;
  email: string;
  role: Role;
}

/** Who is signed in (`GET /v1/me`), provided by the app layout; undefined until it is known. */
export const CurrentUserContext = createContext<CurrentUser | undefined>(undefined);

export const useCurrentUser = () => useContext(CurrentUserContext);
