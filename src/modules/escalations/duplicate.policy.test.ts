import { describe, expect, it } from 'vitest';
import { findDuplicateEscalation, type OpenEscalationOfTicket } from './duplicate.policy.js';

const esc = (over: Partial<OpenEscalationOfTicket>): OpenEscalationOfTicket => ({ id: 'e1', status: 'requested', pathId: 'p', levelIndex: 0, targets: [], ...over });

describe('findDuplicateEscalation', () => {
  it('finds an open escalation to the same path level, not to another level or a finished one', () => {
    expect(findDuplicateEscalation([esc({})], { pathId: 'p', levelIndex: 0 })?.id).toBe('e1');
    expect(findDuplicateEscalation([esc({ status: 'acknowledged' })], { pathId: 'p', levelIndex: 0 })?.id).toBe('e1');
    expect(findDuplicateEscalation([esc({})], { pathId: 'p', levelIndex: 1 })).toBeNull();
    expect(findDuplicateEscalation([esc({})], { pathId: 'q', levelIndex: 0 })).toBeNull();
    for (const status of ['resolved', 'returned', 'cancelled'] as const) expect(findDuplicateEscalation([esc({ status })], { pathId: 'p', levelIndex: 0 })).toBeNull();
  });
  it('finds a direct escalation to the same target, whatever the key order', () => {
    const direct = esc({ pathId: null, targets: [{ type: 'user', userId: 'u1' }] });
    expect(findDuplicateEscalation([direct], { target: { userId: 'u1', type: 'user' } as never })?.id).toBe('e1');
    expect(findDuplicateEscalation([direct], { target: { type: 'user', userId: 'u2' } })).toBeNull();
    expect(findDuplicateEscalation([direct], { target: { type: 'team', teamId: 'u1' } })).toBeNull();
    expect(findDuplicateEscalation([esc({ targets: [{ type: 'user', userId: 'u1' }] })], { target: { type: 'user', userId: 'u1' } })).toBeNull();
  });
});
