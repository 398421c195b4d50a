import { describe, expect, it } from 'vitest';
import { pathEvidence, type EvidenceRow } from './evidence.policy.js';

const row = (over: Partial<EvidenceRow>): EvidenceRow => ({ status: 'resolved', trigger: 'manual', levelIndex: 0, requestedAt: 0, ackDueAt: 600_000, acknowledgedAt: null, returnedReason: null, ...over });

describe('pathEvidence', () => {
  it('counts use, acknowledgement speed and what went wrong', () => {
    const e = pathEvidence([
      row({ acknowledgedAt: 60_000 }),
      row({ acknowledgedAt: 900_000 }), // late
      row({ acknowledgedAt: 120_000, levelIndex: 1, trigger: 'auto' }),
      row({ status: 'returned', returnedReason: 'wrong_target' }),
      row({ status: 'returned', returnedReason: 'not_needed' }),
      row({ status: 'returned', returnedReason: 'wrong_target', trigger: 'pingpong' }),
    ]);
    expect(e.escalations).toBe(6);
    expect(e.acknowledged).toBe(3);
    expect(e.acknowledgedInTime).toBe(2);
    expect(e.medianAckSeconds).toBe(120);
    expect(e.returned).toEqual({ not_needed: 1, wrong_target: 2, missing_information: 0 });
    expect(e.misroutes).toBe(2);
    expect(e.unnecessary).toBe(1);
    expect(e.advancedPastFirstLevel).toBe(1);
    expect(e.pingPong).toBe(1);
    expect(e.byTrigger).toEqual({ manual: 4, auto: 1, pingpong: 1 });
  });

  it('is empty but well-formed for an unused path', () => {
    const e = pathEvidence([]);
    expect(e.escalations).toBe(0);
    expect(e.medianAckSeconds).toBeNull();
  });
});
