/**
 * Pure rules of raise a hand: who a tier alerts (skipping people who cannot take a hand
 * now), how routing moves from tier to tier, and the configuration's validation. No I/O;
 * time is passed in. The model is the escalation engine: the tiers are snapshotted on the
 * hand, then each timeout is state + time → result.
 */
import type { FieldProblem } from '../../lib/errors.js';
import { unavailabilityOf, type Directory } from '../oncall/index.js';
import type { HandSkip, HandTarget, HandTier, HandsConfig, RoutingPeople, RoutingResult, TierRouting } from './hands.types.js';

export interface RoutingInput {
  directory: Directory;
  people: RoutingPeople;
  maxPerSupervisor: number;
  operatorId: string;
  /** The team the hand is raised for; null = every team of the operator. */
  teamId: string | null;
}

/** The operator's teams: the hand's team, or every team the operator belongs to. */
export function operatorTeamIds(directory: Directory, operatorId: string, teamId: string | null): string[] {
  if (teamId) return directory.teams[teamId] ? [teamId] : [];
  return Object.values(directory.teams)
    .filter((t) => t.memberIds.includes(operatorId) || t.managerIds.includes(operatorId))
    .map((t) => t.id)
    .sort();
}

const byRole = (input: RoutingInput, role: string): string[] =>
  Object.keys(input.people.roles)
    .filter((id) => input.people.roles[id] === role)
    .sort();

/** The people a target names, before any skip (unknown teams name nobody). */
export function targetPeople(target: HandTarget, input: RoutingInput): string[] {
  const { directory } = input;
  switch (target.type) {
    case 'operator_team_supervisors':
      return operatorTeamIds(directory, input.operatorId, input.teamId).flatMap((id) => directory.teams[id]?.supervisorIds ?? []);
    case 'team_supervisors':
      return directory.teams[target.teamId]?.supervisorIds ?? [];
    case 'all_supervisors':
      return byRole(input, 'supervisor');
    case 'managers':
      return byRole(input, 'manager');
    case 'user':
      return [target.userId];
  }
}

/** Why `userId` is not alerted now, or null when they can take the hand. */
export function skipOf(userId: string, input: RoutingInput, now: number): HandSkip | null {
  if (userId === input.operatorId) return 'operator';
  const why = unavailabilityOf(input.directory, userId, now);
  if (why) return why;
  if (input.directory.users[userId]?.availability === 'busy') return 'busy';
  const presence = input.people.presence[userId];
  if (presence && !presence.availableForHands) return 'not_available_for_hands';
  if (presence?.onCall) return 'on_call';
  if ((input.people.activeHands[userId] ?? 0) >= input.maxPerSupervisor) return 'at_capacity';
  return null;
}

/** Who one tier alerts and who it skips, each person once, in the targets' order. */
export function routeTier(tier: HandTier, tierIndex: number, input: RoutingInput, now: number): TierRouting {
  const seen = new Set<string>();
  const out: TierRouting = { tierIndex, alerted: [], skipped: [] };
  for (const target of tier.targets)
    for (const userId of targetPeople(target, input)) {
      if (seen.has(userId)) continue;
      seen.add(userId);
      const why = skipOf(userId, input, now);
      if (why) out.skipped.push({ userId, why });
      else out.alerted.push(userId);
    }
  return out;
}

/**
 * Routing from tier `from` on, at `now`: a tier with nobody new to alert is passed at once;
 * the first tier that alerts someone holds the hand until its timeout. Past the last tier the
 * hand is exhausted: it stays open (and highlighted) for everyone, with no further timer.
 * `alreadyAlerted` are the people earlier tiers alerted: they keep seeing it, and a tier
 * that would only alert them again is passed.
 */
export function routeFrom(tiers: readonly HandTier[], from: number, input: RoutingInput, now: number, alreadyAlerted: readonly string[] = []): RoutingResult {
  const alerted = [...alreadyAlerted];
  const passed: TierRouting[] = [];
  for (let i = from; i < tiers.length; i++) {
    const r = routeTier(tiers[i]!, i, input, now);
    const fresh = r.alerted.filter((id) => !alerted.includes(id));
    passed.push({ ...r, alerted: fresh });
    if (fresh.length === 0) continue;
    alerted.push(...fresh);
    return { tiers: passed, tierIndex: i, alerted, nextTierAt: now + tiers[i]!.timeoutSeconds * 1000, exhausted: false };
  }
  return { tiers: passed, tierIndex: Math.max(0, tiers.length - 1), alerted, nextTierAt: null, exhausted: true };
}

/** Hold time so far (or until the claim / close), in whole seconds. */
export const holdSeconds = (raisedAt: number, endedAt: number | null, now: number): number =>
  Math.max(0, Math.floor(((endedAt ?? now) - raisedAt) / 1000));

/** Problems of a configuration the admin saves (the schema has already checked the shapes). */
export function validateHandsConfig(c: HandsConfig, ids: { userIds: ReadonlySet<string>; teamIds: ReadonlySet<string> }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (c.tiers.length === 0) problems.push({ field: 'tiers', message: 'name at least one tier', code: 'hands_no_tier' });
  c.tiers.forEach((t, i) => {
    if (t.targets.length === 0) problems.push({ field: `tiers[${i}].targets`, message: 'a tier alerts at least one target', code: 'hands_tier_no_target', params: { tier: i + 1 } });
    t.targets.forEach((x, j) => {
      if (x.type === 'team_supervisors' && !ids.teamIds.has(x.teamId)) problems.push({ field: `tiers[${i}].targets[${j}].teamId`, message: `team ${x.teamId} does not exist`, code: 'hands_unknown_team', params: { id: x.teamId } });
      if (x.type === 'user' && !ids.userIds.has(x.userId)) problems.push({ field: `tiers[${i}].targets[${j}].userId`, message: `user ${x.userId} does not exist`, code: 'hands_unknown_user', params: { id: x.userId } });
    });
  });
  const seen = new Set<string>();
  c.categories.forEach((cat, i) => {
    const key = cat.trim().toLowerCase();
    if (!key) problems.push({ field: `categories[${i}]`, message: 'a category has a name', code: 'hands_empty_category' });
    else if (seen.has(key)) problems.push({ field: `categories[${i}]`, message: `category ${cat} is listed twice`, code: 'hands_duplicate_category', params: { category: cat } });
    seen.add(key);
  });
  return problems;
}

/** Percentile (nearest rank) of sorted-or-not numbers; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}
