import { RETURN_REASONS, type ReturnReason } from '../escalations/index.js';

/** One escalation as the path review needs it (pure input; the service loads the rows). */
export interface EvidenceRow {
  status: string;
  trigger: string;
  levelIndex: number;
  requestedAt: number;
  ackDueAt: number | null;
  acknowledgedAt: number | null;
  returnedReason: ReturnReason | null;
}

export interface PathEvidence {
  escalations: number;
  byTrigger: Record<string, number>;
  byStatus: Record<string, number>;
  acknowledged: number;
  acknowledgedInTime: number;
  /** Median seconds from request to acknowledgement, null when nothing was acknowledged. */
  medianAckSeconds: number | null;
  returned: Record<ReturnReason, number>;
  /** Returns for "wrong target": the path sent it to the wrong place. */
  misroutes: number;
  /** Returns for "not needed": escalations that should not have happened. */
  unnecessary: number;
  /** Escalations that went past their first level. */
  advancedPastFirstLevel: number;
  /** Escalations opened because the ticket bounced between teams. */
  pingPong: number;
}

/**
 * The evidence a periodic path review rests on: how often the path was used, how fast its
 * receivers acknowledged, and how often it was wrong (returns by reason, ping-pong). Counting
 * outcomes, not people, keeps the review about the path.
 */
export function pathEvidence(rows: EvidenceRow[]): PathEvidence {
  const count = (key: (r: EvidenceRow) => string) =>
    rows.reduce<Record<string, number>>((acc, r) => ((acc[key(r)] = (acc[key(r)] ?? 0) + 1), acc), {});
  const acked = rows.filter((r) => r.acknowledgedAt !== null);
  const ackSeconds = acked.map((r) => (r.acknowledgedAt! - r.requestedAt) / 1000).sort((a, b) => a - b);
  const returned = Object.fromEntries(RETURN_REASONS.map((reason) => [reason, rows.filter((r) => r.returnedReason === reason).length])) as Record<ReturnReason, number>;
  return {
    escalations: rows.length,
    byTrigger: count((r) => r.trigger),
    byStatus: count((r) => r.status),
    acknowledged: acked.length,
    acknowledgedInTime: acked.filter((r) => r.ackDueAt === null || r.acknowledgedAt! <= r.ackDueAt).length,
    medianAckSeconds: ackSeconds.length ? ackSeconds[Math.floor((ackSeconds.length - 1) / 2)]! : null,
    returned,
    misroutes: returned.wrong_target,
    unnecessary: returned.not_needed,
    advancedPastFirstLevel: rows.filter((r) => r.levelIndex > 0).length,
    pingPong: rows.filter((r) => r.trigger === 'pingpong').length,
  };
}
