import { getRouteApi } from '@tanstack/react-router';
import { SignInPage } from '../features/auth/components/SignInPage';

const route = getRouteApi('/sign-in');

export function SignInRoute() {
  const { redirect, error } = route.useSearch();
  return <SignInPage redirect={redirect} error={error} />;
}
