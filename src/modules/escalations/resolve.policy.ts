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
import { targetKey } from './path.policy.js';
import { whoIsOnCall } from './rotation.policy.js';
import type {
  Directory,
  DirectoryUser,
  EscalationSnapshot,
  FallbackResolution,
  Level,
  LevelResolution,
  Target,
  TargetResolution,
  TicketContext,
} from './escalation.types.js';

const nameOf = (directory: Directory, userId: string): string => directory.users[userId]?.name ?? userId;

const currentOutOfOffice = (user: DirectoryUser, now: number) =>
  user.outOfOffice.find((w) => w.startMs <= now && now < w.endMs) ?? null;

/** Why a user cannot be reached at `now`, or null when they can. */
export const unavailability = (directory: Directory, userId: string, now: number): string | null => {
  const user = directory.users[userId];
  if (!user) return 'is not in the directory';
  if (user.active === false) return 'is deactivated';
  if (currentOutOfOffice(user, now)) return 'is on leave (out of office)';
  if (user.availability === 'away') return 'is away';
  if (user.availability === 'off') return 'is off';
  return null;
};

export const isReachable = (directory: Directory, userId: string, now: number): boolean =>
  unavailability(directory, userId, now) === null;

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
  trace: string[],
): string | null => {
  const visited = new Set<string>();
  let current: string | null = userId;
  let label = 'user';
  while (current !== null) {
    if (visited.has(current)) {
      trace.push(`delegate chain loops back to ${nameOf(directory, current)} → stopped`);
      return null;
    }
    visited.add(current);
    const why = unavailability(directory, current, now);
    if (why === null) {
      if (current === userId) trace.push(`${label} ${nameOf(directory, current)} is reachable`);
      return current;
    }
    const next = delegateOf(directory, current, now);
    trace.push(
      `${label} ${nameOf(directory, current)} ${why}${next ? ` → delegate ${nameOf(directory, next)}` : ', no delegate'}`,
    );
    if (next && !visited.has(next) && unavailability(directory, next, now) === null) {
      return next;
    }
    current = next;
    label = 'delegate';
  }
  return null;
};

const reachableMembers = (directory: Directory, teamId: string, now: number, trace: string[]): string[] => {
  const team = directory.teams[teamId];
  if (!team) {
    trace.push(`team ${teamId} is not in the directory`);
    return [];
  }
  const reachable = team.memberIds.filter((id) => isReachable(directory, id, now));
  const skipped = team.memberIds.filter((id) => !reachable.includes(id));
  trace.push(
    reachable.length
      ? `team ${team.name}: ${reachable.map((id) => nameOf(directory, id)).join(', ')} reachable` +
          (skipped.length
            ? ` (skipped ${skipped.map((id) => `${nameOf(directory, id)} ${unavailability(directory, id, now)}`).join('; ')})`
            : '')
      : `team ${team.name} has no reachable member`,
  );
  return reachable;
};

const uniq = (ids: string[]): string[] => [...new Set(ids)];

const rolePeople = (
  directory: Directory,
  role: Target & { type: 'role' },
  ticket: TicketContext,
  trace: string[],
): string[] => {
  if (role.role === 'manager_of_current_team') {
    const team = ticket.currentTeamId ? directory.teams[ticket.currentTeamId] : undefined;
    if (!team) {
      trace.push('the ticket has no current team, so no manager');
      return [];
    }
    if (!team.managerIds.length) trace.push(`team ${team.name} has no manager`);
    return team.managerIds;
  }
  if (!ticket.assigneeId) {
    trace.push('the ticket has no assignee, so no supervisor');
    return [];
  }
  const teams = Object.values(directory.teams).filter((t) =>
    t.memberIds.includes(ticket.assigneeId as string),
  );
  teams.sort((a, b) => Number(b.id === ticket.currentTeamId) - Number(a.id === ticket.currentTeamId));
  const ids = uniq(teams.flatMap((t) => t.supervisorIds));
  if (!ids.length) trace.push(`no supervisor found for assignee ${nameOf(directory, ticket.assigneeId)}`);
  return ids;
};

/** The receivers of one target at `now`, with the trace of why. */
export const resolveTarget = (
  target: Target,
  directory: Directory,
  ticket: TicketContext,
  now: number,
): TargetResolution => {
  const trace: string[] = [];
  let receivers: string[] = [];
  switch (target.type) {
    case 'user': {
      const who = reachPerson(directory, target.userId, now, trace);
      receivers = who ? [who] : [];
      break;
    }
    case 'team':
      receivers = reachableMembers(directory, target.teamId, now, trace);
      break;
    case 'rotation': {
      const rotation = directory.rotations[target.rotationId];
      if (!rotation) {
        trace.push(`rotation ${target.rotationId} is not in the directory`);
        break;
      }
      const onCall = whoIsOnCall(rotation, now);
      if (onCall) {
        trace.push(`rotation ${rotation.name}: ${nameOf(directory, onCall)} is on call`);
        const who = reachPerson(directory, onCall, now, trace);
        if (who) {
          receivers = [who];
          break;
        }
      } else trace.push(`rotation ${rotation.name}: nobody is on call`);
      if (rotation.teamId) receivers = reachableMembers(directory, rotation.teamId, now, trace);
      break;
    }
    case 'role': {
      const people = rolePeople(directory, target, ticket, trace);
      receivers = uniq(
        people.map((id) => reachPerson(directory, id, now, trace)).filter((id): id is string => id !== null),
      );
      break;
    }
  }
  if (!receivers.length) trace.push('nobody reachable for this target');
  return { key: targetKey(target), target, receivers, trace };
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
  const trace: string[] = ['every level is exhausted → path fallback, admins alerted'];
  const users = snapshot.fallbackUserIds.filter((id) => {
    const why = unavailability(directory, id, now);
    if (why) trace.push(`fallback user ${nameOf(directory, id)} ${why}`);
    return why === null;
  });
  const team = snapshot.fallbackTeamId
    ? reachableMembers(directory, snapshot.fallbackTeamId, now, trace)
    : [];
  let receivers = uniq([...users, ...team]);
  if (!receivers.length && snapshot.fallbackUserIds.length) {
    receivers = uniq(snapshot.fallbackUserIds);
    trace.push('no fallback user is reachable → notifying every fallback user anyway');
  }
  if (!receivers.length) trace.push('the path has no fallback user → admins only');
  return { kind: 'fallback', adminAlert: true, receivers, trace };
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
