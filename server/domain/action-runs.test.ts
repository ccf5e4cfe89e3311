import { describe, expect, it } from 'vitest';
import {
  assertCanTerminate,
  assertCanTie,
  decideApproval,
  entityChangeMessage,
  initialStatus,
  latestDecision,
  startProblem,
} from './action-runs';

const run = (status: Parameters<typeof assertCanTerminate>[0]['status'], synchronized = false) => ({
  id: 'r_AAAAAAAAAAAAAAAA',
  status,
  synchronized,
});
const decision = (state: 'APPROVED' | 'DECLINED', at: string) => ({
  state,
  description: null,
  at,
});

describe('starting a run', () => {
  const day2 = {
    identifier: 'deploy',
    operation: 'DAY-2' as const,
    hasBlueprint: true,
    required: ['version'],
  };
  it('needs an entity for DAY-2 and DELETE actions and none for CREATE', () => {
    expect(startProblem(day2, { properties: { version: '1' } })).toContain('body.entity');
    expect(
      startProblem({ ...day2, operation: 'CREATE' }, { entity: 'x', properties: { version: 1 } }),
    ).toContain('CREATE');
    expect(startProblem(day2, { entity: 'x', properties: { version: '1' } })).toBeNull();
  });
  it('takes no entity for an action tied to no blueprint, whatever its operation', () => {
    const loose = { ...day2, operation: 'DELETE' as const, hasBlueprint: false };
    expect(startProblem(loose, { properties: { version: '1' } })).toBeNull();
    expect(startProblem(loose, { entity: 'x', properties: { version: '1' } })).toContain(
      'no blueprint',
    );
  });
  it('names the required inputs that are missing', () => {
    expect(startProblem(day2, { entity: 'x', properties: { version: null } })).toContain(
      '"version"',
    );
  });
  it('waits for approval only when the action requires it', () => {
    expect(initialStatus(false)).toBe('IN_PROGRESS');
    expect(initialStatus(true)).toBe('WAITING_FOR_APPROVAL');
    expect(initialStatus({ type: 'ALL' })).toBe('WAITING_FOR_APPROVAL');
  });
});

describe('ending a run', () => {
  it('refuses a second termination with run_exhausted', () => {
    expect(() => assertCanTerminate(run('SUCCESS'), 'FAILURE')).toThrow(
      expect.objectContaining({ status: 422, code: 'run_exhausted' }),
    );
  });
  it('refuses a manual status of a synchronized run', () => {
    expect(() => assertCanTerminate(run('IN_PROGRESS', true), 'SUCCESS')).toThrow(
      expect.objectContaining({ code: 'run_synchronized_error' }),
    );
  });
  it('refuses to end a run still waiting for approval', () => {
    expect(() => assertCanTerminate(run('WAITING_FOR_APPROVAL'), 'SUCCESS')).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
  });
  it('ties entity changes only to runs in progress', () => {
    expect(() => assertCanTie({ id: 'r_1', status: 'IN_PROGRESS' })).not.toThrow();
    for (const status of ['SUCCESS', 'WAITING_FOR_APPROVAL', 'CANCELLING', 'COMPLETED']) {
      expect(() => assertCanTie({ id: 'r_1', status })).toThrow(
        expect.objectContaining({ code: 'run_exhausted' }),
      );
    }
  });
});

describe('approvals', () => {
  it('starts on the first approval when any approver suffices', () => {
    const out = decideApproval(true, ['a', 'b'], {}, 'a', decision('APPROVED', '1'));
    expect(out.status).toBe('IN_PROGRESS');
  });
  it('waits for every approver when all must approve', () => {
    const first = decideApproval({ type: 'ALL' }, ['a', 'b'], {}, 'a', decision('APPROVED', '1'));
    expect(first.status).toBe('WAITING_FOR_APPROVAL');
    const second = decideApproval(
      { type: 'ALL' },
      ['a', 'b'],
      first.decisions,
      'b',
      decision('APPROVED', '2'),
    );
    expect(second.status).toBe('IN_PROGRESS');
  });
  it('declines on any decline and reports the latest decision', () => {
    const out = decideApproval({ type: 'ANY' }, ['a'], {}, 'a', decision('DECLINED', '1'));
    expect(out.status).toBe('DECLINED');
    expect(latestDecision(out.decisions)).toEqual({
      userId: 'a',
      state: 'DECLINED',
      description: null,
    });
    expect(latestDecision({})).toBeNull();
  });
});

it('describes a tied entity change as one log line', () => {
  expect(entityChangeMessage('CREATE', 'microservice', 'payments')).toBe(
    'entity microservice/payments created',
  );
});
