import { describe, expect, it } from 'vitest';
import { actionOptions } from './ActionPicker';

describe('actionOptions', () => {
  it('shows titles, naming the identifier only where actions share a title', () => {
    expect(
      actionOptions([
        { identifier: 'deploy_a', title: 'Deploy service' },
        { identifier: 'deploy_b', title: 'Deploy service' },
        { identifier: 'scale', title: 'Scale environment' },
        { identifier: 'bare', title: '' },
      ]),
    ).toEqual([
      { value: 'deploy_a', label: 'Deploy service (deploy_a)' },
      { value: 'deploy_b', label: 'Deploy service (deploy_b)' },
      { value: 'scale', label: 'Scale environment' },
      { value: 'bare', label: 'bare' },
    ]);
  });
});
