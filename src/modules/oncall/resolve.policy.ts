/**
 * Resolving a level's targets to the people to notify, skipping the unavailable.
 *
 * Rules:
 * - Reachable = active, availability 'available' or 'busy', and not inside an out-of-office
 *   window. 'busy' counts: the person is working and can be told; if they cannot answer, the
 *   acknowledgement timeout moves the escalation on. 'away' and 'off' are unreachable.
 * - An unreachable user is replaced by their delegate (the delegate of the current
 *   out-of-office window, else their standing delegate), following delegate chains; a cycle
 *   (A → B → A) or a dead end stops the chain.
 * - user target: the user, else the delegate chain.
 * - rotation target: who is on call (overrides first), else their delegate chain, else the
 *   reachable members of the rotation's team.
 * - team target: its reachable members (no delegates: the team is already several people).
 * - role target: manager_of_current_team = the managers of the ticket's current team;
 *   supervisor_of_assignee = the supervisors of the teams the assignee belongs to (the
 *   current team first). Each person found: reachable, else their delegate chain.
 * - A level where no target reaches anybody signals 'advance'; when no level reaches anybody
 *   the path fallback applies: its reachable fallback users and fallback team members, or —
 *   if none of them is reachable — every fallback user anyway, always with adminAlert: true.
 *   Nobody is never returned silently.
 */
import { targetKey, type Level, type Target } from '../paths/index.js';
import type { EscalationSnapshot } from '../escalations/index.js';
import { whoIsOnCall } from './rotation.policy.js';
import type {
  Directory,
  DirectoryUser,
  FallbackResolution,
  LevelResolution,
  TargetResolution,
  TicketContext,
  TraceFact,
  Unavailability,
} from './oncall.types.js';

const nameOf = (directory: Directory, userId: string): string => directory.users[userId]?.name ?? userId;

const currentOutOfOffice = (user: DirectoryUser, now: number) =>
  user.outOfOffice.find((w) => w.startMs <= now && now < w.endMs) ?? null;

/** Why a user cannot be reached at `now` (a code), or null when they can. */
export const unavailabilityOf = (directory: Directory, userId: string, now: number): Unavailability | null => {
  const user = directory.users[userId];
  if (!user) return 'unknown';
  if (user.active === false) return 'deactivated';
  if (currentOutOfOffice(user, now)) return 'on_leave';
  if (user.availability === 'away') return 'away';
  if (user.availability === 'off') return 'off';
  return null;
};

const UNAVAILABLE_TEXT: Record<Unavailability, string> = {
  unknown: 'is not in the directory',
  deactivated: 'is deactivated',
  on_leave: 'is on leave (out of office)',
  away: 'is away',
  off: 'is off',
};

/** Why a user cannot be reached at `now`, in English (API text), or null when they can. */
export const unavailability = (directory: Directory, userId: string, now: number): string | null => {
  const why = unavailabilityOf(directory, userId, now);
  return why === null ? null : UNAVAILABLE_TEXT[why];
};

export const isReachable = (directory: Directory, userId: string, now: number): boolean =>
  unavailabilityOf(directory, userId, now) === null;

/**
 * The English sentence of one trace fact: the `trace` strings of the API. The console renders
 * the facts themselves in the reader's language.
 */
export const traceText = (f: TraceFact): string => {
  switch (f.code) {
    case 'delegate_loop':
      return `delegate chain loops back to ${f.name} → stopped`;
    case 'reachable':
      return `${f.role} ${f.name} is reachable`;
    case 'unavailable':
      return `${f.role} ${f.name} ${UNAVAILABLE_TEXT[f.why]}${f.delegate ? ` → delegate ${f.delegate}` : ', no delegate'}`;
    case 'team_unknown':
      return `team ${f.team} is not in the directory`;
    case 'team_reachable':
      return (
        `team ${f.team}: ${f.names.join(', ')} reachable` +
        (f.skipped.length ? ` (skipped ${f.skipped.map((x) => `${x.name} ${UNAVAILABLE_TEXT[x.why]}`).join('; ')})` : '')
      );
    case 'team_nobody':
      return `team ${f.team} has no reachable member`;
    case 'no_current_team':
      return 'the ticket has no current team, so no manager';
    case 'team_no_manager':
      return `team ${f.team} has no manager`;
    case 'no_assignee':
      return 'the ticket has no assignee, so no supervisor';
    case 'no_supervisor':
      return `no supervisor found for assignee ${f.name}`;
    case 'rotation_unknown':
      return `rotation ${f.rotation} is not in the directory`;
    case 'on_call':
      return `rotation ${f.rotation}: ${f.name} is on call`;
    case 'nobody_on_call':
      return `rotation ${f.rotation}: nobody is on call`;
    case 'target_nobody':
      return 'nobody reachable for this target';
    case 'fallback':
      return 'every level is exhausted → path fallback, admins alerted';
    case 'fallback_user_unavailable':
      return `fallback user ${f.name} ${UNAVAILABLE_TEXT[f.why]}`;
    case 'fallback_everyone':
      return 'no fallback user is reachable → notifying every fallback user anyway';
    case 'fallback_admins_only':
      return 'the path has no fallback user → admins only';
  }
};

const delegateOf = (directory: Directory, userId: string, now: number): string | null => {
  const user = directory.users[userId];
  if (!user) return null;
  return currentOutOfOffice(user, now)?.delegateUserId ?? user.delegateUserId ?? null;
};

/** The user, or the first reachable delegate down their chain; null if none. Appends to trace. */
export const reachPerson = (
  directory: Directory,
  userId: string,
  now: number,
  trace: TraceFact[],
): string | null => {
  const visited = new Set<string>();
  let current: string | null = userId;
  let role: 'user' | 'delegate' = 'user';
  while (current !== null) {
    if (visited.has(current)) {
      trace.push({ code: 'delegate_loop', name: nameOf(directory, current) });
      return null;
    }
    visited.add(current);
    const why = unavailabilityOf(directory, current, now);
    if (why === null) {
      if (current === userId) trace.push({ code: 'reachable', role, name: nameOf(directory, current) });
      return current;
    }
    const next = delegateOf(directory, current, now);
    trace.push({ code: 'unavailable', role, name: nameOf(directory, current), why, ...(next && { delegate: nameOf(directory, next) }) });
    if (next && !visited.has(next) && unavailabilityOf(directory, next, now) === null) {
      return next;
    }
    current = next;
    role = 'delegate';
  }
  return null;
};

const reachableMembers = (directory: Directory, teamId: string, now: number, trace: TraceFact[]): string[] => {
  const team = directory.teams[teamId];
  if (!team) {
    trace.push({ code: 'team_unknown', team: teamId });
    return [];
  }
  const reachable = team.memberIds.filter((id) => isReachable(directory, id, now));
  const skipped = team.memberIds.filter((id) => !reachable.includes(id));
  trace.push(
    reachable.length
      ? {
          code: 'team_reachable',
          team: team.name,
          names: reachable.map((id) => nameOf(directory, id)),
          skipped: skipped.map((id) => ({ name: nameOf(directory, id), why: unavailabilityOf(directory, id, now) ?? 'unknown' })),
        }
      : { code: 'team_nobody', team: team.name },
  );
  return reachable;
};

const uniq = (ids: string[]): string[] => [...new Set(ids)];

const rolePeople = (
  directory: Directory,
  role: Target & { type: 'role' },
  ticket: TicketContext,
  trace: TraceFact[],
): string[] => {
  if (role.role === 'manager_of_current_team') {
    const team = ticket.currentTeamId ? directory.teams[ticket.currentTeamId] : undefined;
    if (!team) {
      trace.push({ code: 'no_current_team' });
      return [];
    }
    if (!team.managerIds.length) trace.push({ code: 'team_no_manager', team: team.name });
    return team.managerIds;
  }
  if (!ticket.assigneeId) {
    trace.push({ code: 'no_assignee' });
    return [];
  }
  const teams = Object.values(directory.teams).filter((t) =>
    t.memberIds.includes(ticket.assigneeId as string),
  );
  teams.sort((a, b) => Number(b.id === ticket.currentTeamId) - Number(a.id === ticket.currentTeamId));
  const ids = uniq(teams.flatMap((t) => t.supervisorIds));
  if (!ids.length) trace.push({ code: 'no_supervisor', name: nameOf(directory, ticket.assigneeId) });
  return ids;
};

/** The receivers of one target at `now`, with the trace of why (facts and their English text). */
export const resolveTarget = (
  target: Target,
  directory: Directory,
  ticket: TicketContext,
  now: number,
): TargetResolution => {
  const facts: TraceFact[] = [];
  let receivers: string[] = [];
  switch (target.type) {
    case 'user': {
      const who = reachPerson(directory, target.userId, now, facts);
      receivers = who ? [who] : [];
      break;
    }
    case 'team':
      receivers = reachableMembers(directory, target.teamId, now, facts);
      break;
    case 'rotation': {
      const rotation = directory.rotations[target.rotationId];
      if (!rotation) {
        facts.push({ code: 'rotation_unknown', rotation: target.rotationId });
        break;
      }
      const onCall = whoIsOnCall(rotation, now);
      if (onCall) {
        facts.push({ code: 'on_call', rotation: rotation.name, name: nameOf(directory, onCall) });
        const who = reachPerson(directory, onCall, now, facts);
        if (who) {
          receivers = [who];
          break;
        }
      } else facts.push({ code: 'nobody_on_call', rotation: rotation.name });
      if (rotation.teamId) receivers = reachableMembers(directory, rotation.teamId, now, facts);
      break;
    }
    case 'role': {
      const people = rolePeople(directory, target, ticket, facts);
      receivers = uniq(
        people.map((id) => reachPerson(directory, id, now, facts)).filter((id): id is string => id !== null),
      );
      break;
    }
  }
  if (!receivers.length) facts.push({ code: 'target_nobody' });
  return { key: targetKey(target), target, receivers, trace: facts.map(traceText), traceFacts: facts };
};

/** Every target of a level; 'advance' when none of them reaches anybody. */
export const resolveLevel = (
  level: Level,
  levelIndex: number,
  directory: Directory,
  ticket: TicketContext,
  now: number,
): LevelResolution => {
  const seen = new Map<string, number>();
  const targets = level.targets.map((t) => {
    const r = resolveTarget(t, directory, ticket, now);
    // Duplicate targets are a validation error; keep keys unique anyway.
    const n = seen.get(r.key) ?? 0;
    seen.set(r.key, n + 1);
    return n ? { ...r, key: `${r.key}#${n + 1}` } : r;
  });
  const receivers = uniq(targets.flatMap((t) => t.receivers));
  return receivers.length
    ? { kind: 'reached', levelIndex, targets, receivers }
    : { kind: 'advance', levelIndex, targets, receivers: [] };
};

/** The path's last resort, always with an admin alert. */
export const resolveFallback = (
  snapshot: Pick<EscalationSnapshot, 'fallbackUserIds' | 'fallbackTeamId'>,
  directory: Directory,
  now: number,
): FallbackResolution => {
  const facts: TraceFact[] = [{ code: 'fallback' }];
  const users = snapshot.fallbackUserIds.filter((id) => {
    const why = unavailabilityOf(directory, id, now);
    if (why) facts.push({ code: 'fallback_user_unavailable', name: nameOf(directory, id), why });
    return why === null;
  });
  const team = snapshot.fallbackTeamId
    ? reachableMembers(directory, snapshot.fallbackTeamId, now, facts)
    : [];
  let receivers = uniq([...users, ...team]);
  if (!receivers.length && snapshot.fallbackUserIds.length) {
    receivers = uniq(snapshot.fallbackUserIds);
    facts.push({ code: 'fallback_everyone' });
  }
  if (!receivers.length) facts.push({ code: 'fallback_admins_only' });
  return { kind: 'fallback', adminAlert: true, receivers, trace: facts.map(traceText), traceFacts: facts };
};

/**
 * From level `fromIndex` on, the first level that reaches somebody, or the fallback. The
 * skipped levels are returned for the trace.
 */
export const resolveFrom = (
  snapshot: EscalationSnapshot,
  fromIndex: number,
  directory: Directory,
  ticket: TicketContext,
  now: number,
): { skipped: LevelResolution[]; result: LevelResolution | FallbackResolution } => {
  const skipped: LevelResolution[] = [];
  for (let i = fromIndex; i < snapshot.levels.length; i++) {
    const r = resolveLevel(snapshot.levels[i] as Level, i, directory, ticket, now);
    if (r.kind === 'reached') return { skipped, result: r };
    skipped.push(r);
  }
  return { skipped, result: resolveFallback(snapshot, directory, now) };
};

/**
 * "My supervisor" for a direct escalation: the supervisors of the teams the agent works in;
 * when none of those teams names a supervisor (or the agent is that supervisor), their
 * managers. The agent is never their own supervisor. Teams are taken in id order so the
 * answer is stable; people are listed once.
 */
export const supervisorsOfUser = (directory: Directory, userId: string): string[] => {
  const teams = Object.values(directory.teams)
    .filter((t) => t.memberIds.includes(userId) || t.managerIds.includes(userId))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const notMe = (ids: string[]) => uniq(ids).filter((id) => id !== userId && directory.users[id]?.active !== false);
  const supervisors = notMe(teams.flatMap((t) => t.supervisorIds));
  return supervisors.length ? supervisors : notMe(teams.flatMap((t) => t.managerIds));
};
