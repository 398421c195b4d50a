/**
 * A second open escalation of one ticket to the same place is a mistake (the receiver is asked
 * twice): same path and level, or for a direct escalation the same target.
 */
import { type Target } from '../paths/index.js';
import { FINISHED_STATUSES, type EscalationStatus } from './escalation.types.js';

export interface OpenEscalationOfTicket {
  id: string;
  status: EscalationStatus;
  pathId: string | null;
  levelIndex: number;
  /** Targets of the level it is at now. */
  targets: Target[];
}

export type EscalationAim = { pathId: string; levelIndex: number } | { target: Target };

const sameTarget = (a: Target, b: Target): boolean => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** The open escalation that already goes where this one would, if any. */
export const findDuplicateEscalation = (existing: OpenEscalationOfTicket[], aim: EscalationAim): OpenEscalationOfTicket | null =>
  existing.find((e) => {
    if (FINISHED_STATUSES.includes(e.status)) return false;
    if ('pathId' in aim) return e.pathId === aim.pathId && e.levelIndex === aim.levelIndex;
    return e.pathId === null && e.targets.some((t) => sameTarget(t, aim.target));
  }) ?? null;
