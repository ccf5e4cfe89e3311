import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../lib/api';
import { controlBlockedReason, refusalMessage } from './access';
import type { CurrentUser } from './current-user';

describe('controlBlockedReason', () => {
  const user = (role: CurrentUser['role'], id = 'user_x'): CurrentUser => ({
    id,
    email: `${id}@x.io`,
    role,
  });

  it('allows admins, machine credentials and the starter', () => {
    expect(controlBlockedReason(user('admin'), 'user_member')).toBeNull();
    expect(controlBlockedReason(user('machine'), 'user_member')).toBeNull();
    expect(controlBlockedReason(user('member', 'user_member'), 'user_member')).toBeNull();
  });

  it('tells anyone else who may', () => {
    expect(controlBlockedReason(user('member'), 'user_admin')).toBe(
      'Only admins and the user who started this run (user_admin) may mark, cancel or re-run it',
    );
    expect(controlBlockedReason(undefined, 'user_admin')).toBe('Checking who you are…');
    expect(controlBlockedReason(user('member'), 'user_admin', 'mark it complete')).toBe(
      'Only admins and the user who started this run (user_admin) may mark it complete',
    );
  });
});

describe('refusalMessage', () => {
  it('says a run finished first in the server words', () => {
    const err = new ApiRequestError(422, 'run_exhausted', 'Node run "r_1" already completed');
    expect(refusalMessage(err)).toBe('Already finished: Node run "r_1" already completed');
    expect(refusalMessage(new ApiRequestError(403, 'forbidden', 'Only admins'))).toBe(
      'Only admins',
    );
  });
});
