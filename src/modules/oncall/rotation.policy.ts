/**
 * On-call rotations. Shift k starts at the k-th hand-off and belongs to members[k mod n].
 *
 * Rules:
 * - `days` shifts hand off at `handoffTime` local time in `timeZone`, every `days` calendar
 *   days, so a 09:00 hand-off stays at 09:00 across DST (the shift around the change is an
 *   hour shorter or longer). A hand-off time that does not exist on a spring-forward day moves
 *   forward to the first valid instant (luxon's rule).
 * - `seconds` shifts are elapsed time from the first hand-off (startDate + handoffTime).
 * - Before the first hand-off nobody is on call (null): the rotation is not in effect yet, and
 *   the resolver falls through to the rotation's team, visibly in its trace.
 * - Overrides [startMs, endMs) win over the schedule, even before the start; when several
 *   cover an instant the last one in the list wins (the newest).
 * - A rotation without members has nobody on call outside overrides.
 */
import { DateTime } from 'luxon';
import type { Handoff, Rotation } from './oncall.types.js';

const DAY_MS = 86_400_000;

const parseHandoff = (rotation: Rotation): { hour: number; minute: number } => {
  const m = /^(\d{2}):(\d{2})$/.exec(rotation.handoffTime);
  if (!m) throw new RangeError(`rotation ${rotation.id}: handoffTime must be HH:mm`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
};

const parseDate = (iso: string): { year: number; month: number; day: number } => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`date must be YYYY-MM-DD: ${iso}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
};

/** The instant shift k starts (k may be 0 or more). */
export const shiftStartMs = (rotation: Rotation, k: number): number => {
  const { hour, minute } = parseHandoff(rotation);
  const start = DateTime.fromObject(
    { ...parseDate(rotation.startDate), hour, minute },
    { zone: rotation.timeZone },
  );
  if (!start.isValid)
    throw new RangeError(`rotation ${rotation.id}: invalid start (${start.invalidExplanation ?? 'unknown'})`);
  if (rotation.shift.unit === 'seconds') return start.toMillis() + k * rotation.shift.seconds * 1000;
  // Calendar arithmetic on the local date, then the local hand-off time: DST-stable.
  const d = DateTime.fromObject(parseDate(rotation.startDate), { zone: 'UTC' }).plus({
    days: k * rotation.shift.days,
  });
  return DateTime.fromObject(
    { year: d.year, month: d.month, day: d.day, hour, minute },
    { zone: rotation.timeZone },
  ).toMillis();
};

/** Index of the shift running at atMs, or -1 before the first hand-off. */
export const shiftIndexAt = (rotation: Rotation, atMs: number): number => {
  const first = shiftStartMs(rotation, 0);
  if (atMs < first) return -1;
  let k: number;
  if (rotation.shift.unit === 'seconds') k = Math.floor((atMs - first) / (rotation.shift.seconds * 1000));
  else {
    const local = DateTime.fromMillis(atMs, { zone: rotation.timeZone });
    const s = parseDate(rotation.startDate);
    const days = Math.round(
      (Date.UTC(local.year, local.month - 1, local.day) - Date.UTC(s.year, s.month - 1, s.day)) / DAY_MS,
    );
    k = Math.floor(days / rotation.shift.days);
  }
  // Settle on the exact boundary (same local date before the hand-off time, rounding).
  while (k > 0 && shiftStartMs(rotation, k) > atMs) k--;
  while (shiftStartMs(rotation, k + 1) <= atMs) k++;
  return k;
};

const scheduledAt = (rotation: Rotation, atMs: number): string | null => {
  const n = rotation.members.length;
  if (n === 0) return null;
  const k = shiftIndexAt(rotation, atMs);
  return k < 0 ? null : (rotation.members[k % n] ?? null);
};

const overrideAt = (rotation: Rotation, atMs: number): string | null => {
  for (let i = rotation.overrides.length - 1; i >= 0; i--) {
    const o = rotation.overrides[i];
    if (o && o.startMs <= atMs && atMs < o.endMs) return o.userId;
  }
  return null;
};

/** Who is on call at atMs (overrides first), or null. */
export const whoIsOnCall = (rotation: Rotation, atMs: number): string | null =>
  overrideAt(rotation, atMs) ?? scheduledAt(rotation, atMs);

/**
 * The next `count` instants after fromMs (exclusive) at which the person on call changes,
 * from shifts and from overrides starting or ending. Boundaries that do not change the person
 * (a one-member rotation, an override for the person already on call) are not hand-offs.
 */
export const nextHandoffs = (rotation: Rotation, fromMs: number, count: number): Handoff[] => {
  const result: Handoff[] = [];
  if (count <= 0) return result;
  const overrideEdges: { atMs: number; cause: Handoff['cause'] }[] = [];
  for (const o of rotation.overrides) {
    if (o.startMs > fromMs) overrideEdges.push({ atMs: o.startMs, cause: 'override_start' });
    if (o.endMs > fromMs) overrideEdges.push({ atMs: o.endMs, cause: 'override_end' });
  }
  overrideEdges.sort((a, b) => a.atMs - b.atMs);
  const hasShifts =
    rotation.members.length > 1 || (rotation.members.length === 1 && shiftStartMs(rotation, 0) > fromMs);
  let k = Math.max(0, shiftIndexAt(rotation, fromMs) + 1);
  let nextShift = hasShifts ? shiftStartMs(rotation, k) : Infinity;
  let e = 0;
  let current = whoIsOnCall(rotation, fromMs);
  // Bounded: each shift of a ≥2-member rotation or each override edge is examined once.
  const budget = count * (rotation.members.length + 1) + overrideEdges.length + 2;
  for (let steps = 0; result.length < count && steps < budget; steps++) {
    const edge = overrideEdges[e];
    let atMs: number;
    let cause: Handoff['cause'];
    if (edge && edge.atMs <= nextShift) {
      ({ atMs, cause } = edge);
      e++;
    } else if (nextShift !== Infinity) {
      atMs = nextShift;
      cause = 'shift';
      k++;
      nextShift = rotation.members.length > 1 ? shiftStartMs(rotation, k) : Infinity;
    } else break;
    const who = whoIsOnCall(rotation, atMs);
    if (who !== current) {
      result.push({ atMs, fromUserId: current, toUserId: who, cause });
      current = who;
    }
  }
  return result;
};
