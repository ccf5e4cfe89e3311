import { describe, expect, it } from 'vitest';
import { personLabel } from './users';

describe('personLabel', () => {
  it('writes the name with the email beside it', () => {
    expect(
      personLabel({ email: 'admin@runboard.dev', firstName: 'Avery', lastName: 'Admin' }),
    ).toBe('Avery Admin (admin@runboard.dev)');
  });

  it('writes a machine credential’s one name the same way', () => {
    expect(
      personLabel({ email: 'ci@runboard.dev', firstName: 'CI deployer', lastName: null }),
    ).toBe('CI deployer (ci@runboard.dev)');
  });

  it('keeps the email alone for a user without a name, blank parts included', () => {
    expect(personLabel({ email: 'b@runboard.dev', firstName: null, lastName: null })).toBe(
      'b@runboard.dev',
    );
    expect(personLabel({ email: 'b@runboard.dev', firstName: ' ', lastName: '' })).toBe(
      'b@runboard.dev',
    );
  });
});
