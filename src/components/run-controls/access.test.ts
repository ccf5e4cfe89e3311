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

  const member = { id: 'user_member', name: 'Morgan Member' };
  const admin = { id: 'user_admin', name: 'Avery Admin' };

  it('allows admins, machine credentials and the starter', () => {
    expect(controlBlockedReason(user('admin'), member)).toBeNull();
    expect(controlBlockedReason(user('machine'), member)).toBeNull();
    expect(controlBlockedReason(user('member', 'user_member'), member)).toBeNull();
  });

  it('tells anyone else who may, naming the starter by name rather than by id', () => {
    expect(controlBlockedReason(user('member'), admin)).toBe(
      'Only admins and the user who started this run (Avery Admin) may mark, cancel or re-run it',
    );
    expect(controlBlockedReason(undefined, admin)).toBe('Checking who you are…');
    expect(controlBlockedReason(user('member'), admin, 'mark it complete')).toBe(
      'Only admins and the user who started this run (Avery Admin) may mark it complete',
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
