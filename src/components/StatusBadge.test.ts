import { describe, expect, it } from 'vitest';
import { actionRunState, stateAppearance, workflowRunState } from './StatusBadge';

describe('status vocabulary', () => {
  it('maps a workflow run status and result to one state', () => {
    expect(workflowRunState('IN_PROGRESS', null)).toBe('in-progress');
    expect(workflowRunState('CANCELLING', null)).toBe('cancelling');
    expect(workflowRunState('COMPLETED', 'SUCCESS')).toBe('success');
    expect(workflowRunState('COMPLETED', 'FAILED')).toBe('failed');
    expect(workflowRunState('COMPLETED', 'CANCELLED')).toBe('cancelled');
    expect(workflowRunState('COMPLETED', null)).toBe('completed');
  });

  it('maps every action run status', () => {
    expect(actionRunState('IN_PROGRESS')).toBe('in-progress');
    expect(actionRunState('SUCCESS')).toBe('success');
    expect(actionRunState('FAILURE')).toBe('failed');
    expect(actionRunState('WAITING_FOR_APPROVAL')).toBe('waiting-for-approval');
    expect(actionRunState('DECLINED')).toBe('declined');
  });

  it('gives failures red, successes teal and only moving states a live flag', () => {
    expect(stateAppearance('failed')).toEqual({ label: 'Failed', color: 'red', live: false });
    expect(stateAppearance('success').color).toBe('teal');
    expect(stateAppearance('in-progress').live).toBe(true);
    expect(stateAppearance('waiting-for-approval').label).toBe('Waiting for approval');
    expect(stateAppearance('skipped').label).toBe('Did not run');
  });
});
