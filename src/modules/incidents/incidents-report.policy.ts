/**
 * The incident figures of the reports (issue 18), per incident and pure: time to the first
 * update (internal and customer-facing), the update cadence kept, time to resolve. Targets are
 * the incident's own cadence snapshot (its severity's targets when it was declared), so a later
 * change of the settings does not rewrite history. The README's report definitions say the same.
 */
import type { CadenceTargets } from './incidents.types.js';

const MIN = 60_000;

/** Every update reaches staff (the internal track); public ones also reach customers (the customer track). */
export type UpdateTrack = 'internal' | 'customer';

export interface ReportIncident {
  internalOnly: boolean;
  startedAt: number;
  declaredAt: number;
  resolvedAt: number | null;
  targets: Pick<CadenceTargets, 'firstInternalMinutes' | 'firstCustomerMinutes' | 'updateIntervalMinutes' | 'resolveTargetMinutes'>;
  /** Its updates in any order: when, to whom, and the time promised for the next one. */
  updates: { at: number; audience: string; nextUpdateAt: number | null }[];
}

const trackUpdates = (i: ReportIncident, track: UpdateTrack) =>
  i.updates.filter((u) => track === 'internal' || u.audience === 'public').sort((a, b) => a.at - b.at);

/**
 * Time from the declaration to the first update of the track, and whether it came within the
 * severity's first-update target. `ms` null: none yet. `withinTarget` null: not counted — the
 * track does not apply (customers of an internal-only incident) or there is no update yet and
 * its target has not passed by `now`; no update after the target passed counts as missed.
 */
export function firstUpdate(i: ReportIncident, track: UpdateTrack, now: number): { ms: number | null; withinTarget: boolean | null } {
  if (track === 'customer' && i.internalOnly) return { ms: null, withinTarget: null };
  const target = i.declaredAt + (track === 'internal' ? i.targets.firstInternalMinutes : i.targets.firstCustomerMinutes) * MIN;
  const first = trackUpdates(i, track)[0];
  if (!first) return { ms: null, withinTarget: now > target ? false : null };
  return { ms: Math.max(0, first.at - i.declaredAt), withinTarget: first.at <= target };
}

/**
 * The update intervals of a track and how many were kept. After each update the next one is
 * due at the time it promised, else one update interval later (as the reminders count it).
 * An interval ends at the next update of the track, or at the resolution; while the incident is
 * active its last interval counts only once its due time has passed (then as not kept). The
 * update that announces the resolution opens no interval.
 */
export function cadenceKept(i: ReportIncident, track: UpdateTrack, now: number): { intervals: number; kept: number } {
  if (track === 'customer' && i.internalOnly) return { intervals: 0, kept: 0 };
  const list = trackUpdates(i, track);
  let intervals = 0;
  let kept = 0;
  list.forEach((u, n) => {
    if (i.resolvedAt !== null && u.at >= i.resolvedAt) return;
    const due = u.nextUpdateAt ?? u.at + i.targets.updateIntervalMinutes * MIN;
    const next = list[n + 1];
    const end = next && (i.resolvedAt === null || next.at <= i.resolvedAt) ? next.at : i.resolvedAt;
    if (end === null) {
      if (now > due) intervals++;
      return;
    }
    intervals++;
    if (end <= due) kept++;
  });
  return { intervals, kept };
}

/** Start of the incident (which may be before its declaration) to its resolution; null while unresolved. */
export function timeToResolve(i: Pick<ReportIncident, 'startedAt' | 'resolvedAt'>): number | null {
  return i.resolvedAt === null ? null : Math.max(0, i.resolvedAt - i.startedAt);
}

/** Whether it was resolved within its severity's resolution target (from the start); null while unresolved. */
export function resolvedWithinTarget(i: Pick<ReportIncident, 'startedAt' | 'resolvedAt' | 'targets'>): boolean | null {
  return i.resolvedAt === null ? null : i.resolvedAt <= i.startedAt + i.targets.resolveTargetMinutes * MIN;
}
