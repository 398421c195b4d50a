/**
 * The escalation engine's step function, modelled on Grafana OnCall: the path version is
 * snapshotted when the escalation starts; each event (a request, a timer, a person's action)
 * is applied as (snapshot, state, event, now) → (state, effects). The service persists the
 * state and turns the effects into jobs and timeline events in one transaction; `simulate`
 * runs the same function against a virtual clock, so prediction and reality cannot drift.
 *
 * Rules:
 * - Entering a level notifies every target's receivers (resolved at that instant, skipping the
 *   unavailable) and starts one acknowledgement timer per target. A level that reaches nobody
 *   is skipped at once; past the last level the path fallback is notified with an admin alert.
 * - Per target: at its ack timeout it is reminded `repeatReminders` times, one interval apart
 *   (growing by `reminderBackoff` after each reminder when set);
 *   one interval after the last reminder (at once with none) its grace is over ('expired').
 * - Fan-out: every target acknowledges separately. The escalation counts as 'acknowledged' as
 *   soon as one target acknowledged (someone owns it, the acknowledgement SLA is met), but the
 *   other targets keep being reminded until they acknowledge or expire: a complaint sent to
 *   sales and legal needs both. Acknowledging cancels every timer of that target only.
 * - The level advances on timeout only when no target of it acknowledged and every target
 *   has expired (or was unreachable), and only if `onTimeout.advance`; otherwise the
 *   escalation is 'stalled' and waits for a person (advance manually, acknowledge, cancel).
 * - Someone acknowledging who is not a receiver (a supervisor covering) takes the whole level:
 *   every unacknowledged target. Permission is the service's concern.
 * - A late acknowledgement (target expired) is still accepted. Repeating an acknowledgement is
 *   a no-op.
 * - Timers that no longer apply (another level, target acknowledged, escalation finished) are
 *   no-ops, never errors: a job may fire after the state moved on.
 * - People's actions on a finished escalation (resolved, returned, cancelled), or before it
 *   was requested, throw a 409 conflict carrying its status.
 * - 'advanced' (escalate further) from the last level reaches the fallback; from the fallback
 *   it is a conflict. After advancing, status is 'requested' again for the new level;
 *   `acknowledgedMs` keeps the first acknowledgement of the escalation.
 */
import { AppError, notFound } from '../../lib/errors.js';
import { resolveFrom } from '../oncall/index.js';
import { type Level, type Path } from '../paths/index.js';
import { type AddSeconds, type Directory, type TraceFact, type TicketContext } from '../oncall/index.js';
import { FINISHED_STATUSES, type Effect, type EscalationEvent, type EscalationSnapshot, type EscalationState, type EscalationStatus, type StepContext, type StepResult, type TargetState } from './escalation.types.js';

export const FALLBACK_TARGET_KEY = 'fallback';

export const snapshotOf = (path: Path): EscalationSnapshot => ({
  pathId: path.id,
  pathVersion: path.version,
  pathName: path.name,
  levels: structuredClone(path.levels),
  fallbackUserIds: [...path.fallbackUserIds],
  fallbackTeamId: path.fallbackTeamId,
});

export const initialState = (): EscalationState => ({
  status: 'pending',
  stage: 'level',
  levelIndex: -1,
  levelStartedMs: null,
  requestedBy: null,
  requestedMs: null,
  acknowledgedMs: null,
  finishedMs: null,
  stalled: false,
  targets: [],
  returned: null,
});

export const isFinished = (state: Pick<EscalationState, 'status'>): boolean =>
  FINISHED_STATUSES.includes(state.status);

/** Timer keys are relative to the escalation: "<level>:<target key>:<what>". */
export const timerKeyPrefix = (levelIndex: number, targetKey?: string): string =>
  targetKey === undefined ? `${levelIndex}:` : `${levelIndex}:${targetKey}:`;

const cannot = (state: EscalationState, action: string): AppError =>
  new AppError(
    'conflict',
    state.status === 'pending'
      ? `This escalation has not been requested yet; it cannot be ${action}.`
      : `This escalation is already ${state.status}; it cannot be ${action}.`,
    { status: state.status, stage: state.stage, levelIndex: state.levelIndex },
  );

const VERB: Record<EscalationEvent['type'], string> = {
  requested: 'requested again',
  ack_timeout: 'timed out',
  reminder_due: 'reminded',
  acknowledged: 'acknowledged',
  returned: 'returned',
  resolved: 'resolved',
  advanced: 'advanced',
  cancelled: 'cancelled',
};

/** Moves to the first level from `fromIndex` that reaches somebody, or to the fallback. */
const enterLevel = (
  snapshot: EscalationSnapshot,
  state: EscalationState,
  fromIndex: number,
  ctx: StepContext,
  effects: Effect[],
  reason: 'timeout' | 'manual' | 'unreachable' | null,
): EscalationState => {
  const previous = state.levelIndex;
  if (previous >= 0) effects.push({ type: 'cancel_timers', keyPrefix: timerKeyPrefix(previous) });
  const { skipped, result } = resolveFrom(snapshot, fromIndex, ctx.directory, ctx.ticket, ctx.now);
  for (const s of skipped) {
    effects.push({
      type: 'record',
      kind: 'escalation.level_skipped',
      data: {
        levelIndex: s.levelIndex,
        levelName: snapshot.levels[s.levelIndex]?.name ?? '',
        targets: s.targets.map(({ key, trace }) => ({ key, trace })),
      },
    });
  }
  const toLevel = result.kind === 'fallback' ? snapshot.levels.length : result.levelIndex;
  if (reason !== null || skipped.length)
    effects.push({ type: 'advance', fromLevel: previous, toLevel, reason: reason ?? 'unreachable' });

  const base = { ...state, levelIndex: toLevel, levelStartedMs: ctx.now, stalled: false };
  if (result.kind === 'fallback') {
    effects.push({
      type: 'record',
      kind: 'escalation.fallback',
      data: { levelIndex: toLevel, receivers: result.receivers, trace: result.trace, traceFacts: result.traceFacts, adminAlert: true },
    });
    effects.push({ type: 'fallback', userIds: result.receivers, adminAlert: true });
    if (result.receivers.length)
      effects.push({
        type: 'notify',
        userIds: result.receivers,
        reason: 'fallback',
        levelIndex: toLevel,
        targetKey: FALLBACK_TARGET_KEY,
        adminAlert: true,
      });
    const target: TargetState = {
      key: FALLBACK_TARGET_KEY,
      target: null,
      receivers: result.receivers,
      trace: result.trace,
      traceFacts: result.traceFacts,
      phase: result.receivers.length ? 'waiting' : 'unreachable',
      remindersSent: 0,
      acknowledgedBy: null,
      acknowledgedMs: null,
    };
    return { ...base, stage: 'fallback', targets: [target] };
  }

  const level = snapshot.levels[toLevel] as Level;
  const dueMs = ctx.addSeconds(ctx.now, level.ackTimeoutSeconds, toLevel);
  effects.push({
    type: 'record',
    kind: 'escalation.level_reached',
    data: {
      levelIndex: toLevel,
      levelName: level.name,
      receivers: result.receivers,
      ackDueMs: dueMs,
      targets: result.targets.map(({ key, receivers, trace, traceFacts }) => ({ key, receivers, trace, traceFacts })),
    },
  });
  const notified = new Set<string>();
  const targets = result.targets.map((r): TargetState => {
    const fresh = r.receivers.filter((id) => !notified.has(id));
    fresh.forEach((id) => notified.add(id));
    if (r.receivers.length) {
      if (fresh.length)
        effects.push({
          type: 'notify',
          userIds: fresh,
          reason: 'requested',
          levelIndex: toLevel,
          targetKey: r.key,
          adminAlert: false,
        });
      effects.push({
        type: 'schedule_timer',
        kind: 'ack_timeout',
        dueMs,
        key: `${timerKeyPrefix(toLevel, r.key)}ack_timeout`,
        levelIndex: toLevel,
        targetKey: r.key,
      });
    }
    return {
      key: r.key,
      target: r.target,
      receivers: r.receivers,
      trace: r.trace,
      traceFacts: r.traceFacts,
      phase: r.receivers.length ? 'waiting' : 'unreachable',
      remindersSent: 0,
      acknowledgedBy: null,
      acknowledgedMs: null,
    };
  });
  return { ...base, stage: 'level', targets };
};

const withTarget = (state: EscalationState, key: string, change: Partial<TargetState>): EscalationState => ({
  ...state,
  targets: state.targets.map((t) => (t.key === key ? { ...t, ...change } : t)),
});

const onTimer = (
  snapshot: EscalationSnapshot,
  state: EscalationState,
  event: EscalationEvent & { type: 'ack_timeout' | 'reminder_due' },
  ctx: StepContext,
): StepResult => {
  const stale = { state, effects: [] };
  if (
    state.status === 'pending' ||
    isFinished(state) ||
    state.stage !== 'level' ||
    event.levelIndex !== state.levelIndex
  )
    return stale;
  const target = state.targets.find((t) => t.key === event.targetKey);
  const level = snapshot.levels[state.levelIndex];
  if (!target || !level) return stale;
  if (event.type === 'ack_timeout' ? target.phase !== 'waiting' : target.phase !== 'reminding') return stale;

  const effects: Effect[] = [];
  const { repeatReminders, reminderIntervalSeconds, advance, reminderBackoff = 1 } = level.onTimeout;
  if (target.remindersSent < repeatReminders) {
    const n = target.remindersSent + 1;
    effects.push({
      type: 'notify',
      userIds: target.receivers,
      reason: 'reminder',
      levelIndex: state.levelIndex,
      targetKey: target.key,
      adminAlert: false,
    });
    effects.push({
      type: 'record',
      kind: 'escalation.reminded',
      data: {
        levelIndex: state.levelIndex,
        targetKey: target.key,
        reminder: n,
        of: repeatReminders,
        receivers: target.receivers,
      },
    });
    effects.push({
      type: 'schedule_timer',
      kind: 'reminder_due',
      // Growing intervals: the wait after reminder n is interval × backoff^(n-1).
      dueMs: ctx.addSeconds(ctx.now, Math.round(reminderIntervalSeconds * reminderBackoff ** (n - 1)), state.levelIndex),
      key: `${timerKeyPrefix(state.levelIndex, target.key)}reminder_due:${n}`,
      levelIndex: state.levelIndex,
      targetKey: target.key,
    });
    return { state: withTarget(state, target.key, { phase: 'reminding', remindersSent: n }), effects };
  }

  let next = withTarget(state, target.key, { phase: 'expired' });
  effects.push({
    type: 'record',
    kind: 'escalation.target_expired',
    data: { levelIndex: state.levelIndex, targetKey: target.key, receivers: target.receivers },
  });
  const anyAcknowledged = next.targets.some((t) => t.phase === 'acknowledged');
  const allDone = next.targets.every((t) => t.phase === 'expired' || t.phase === 'unreachable');
  // Unless the level moves on (which tells everyone where it is now), whoever asked and the
  // supervisors of the department that did not answer learn which one it was.
  if (anyAcknowledged || !allDone || !advance) {
    const told = expiryAudience(state, target, ctx);
    if (told.userIds.length)
      effects.push({
        type: 'notify',
        userIds: told.userIds,
        reason: 'target_expired',
        levelIndex: state.levelIndex,
        targetKey: target.key,
        adminAlert: false,
        ...(told.name && { targetName: told.name }),
      });
  }
  if (anyAcknowledged || !allDone) return { state: next, effects };
  if (advance) {
    next = enterLevel(snapshot, next, state.levelIndex + 1, ctx, effects, 'timeout');
    return { state: next, effects };
  }
  effects.push({
    type: 'record',
    kind: 'escalation.stalled',
    data: { levelIndex: state.levelIndex, levelName: level.name },
  });
  return { state: { ...next, stalled: true }, effects };
};

/**
 * Who hears that a target let its time pass: the escalation's requester and the supervisors and
 * managers of the target's team (a rotation's team, a person's teams, or the ticket's team for a
 * relative role; a supervisor who is also a receiver hears it as the one who must follow up).
 * Also the target's name for the text.
 */
export function expiryAudience(state: EscalationState, target: EscalationState['targets'][number], ctx: Pick<StepContext, 'directory' | 'ticket'>): { userIds: string[]; name: string | null } {
  const t = target.target;
  const d = ctx.directory;
  let teamIds: string[] = [];
  let name: string | null = null;
  if (t?.type === 'team') {
    teamIds = [t.teamId];
    name = d.teams[t.teamId]?.name ?? null;
  } else if (t?.type === 'rotation') {
    const teamId = d.rotations[t.rotationId]?.teamId;
    if (teamId) teamIds = [teamId];
    name = d.rotations[t.rotationId]?.name ?? null;
  } else if (t?.type === 'user') {
    teamIds = Object.values(d.teams).filter((team) => team.memberIds.includes(t.userId)).map((team) => team.id);
    name = d.users[t.userId]?.name ?? null;
  } else if (t?.type === 'role' && ctx.ticket.currentTeamId) {
    teamIds = [ctx.ticket.currentTeamId];
  }
  const ids = new Set<string>();
  if (state.requestedBy) ids.add(state.requestedBy);
  for (const id of teamIds) for (const u of [...(d.teams[id]?.supervisorIds ?? []), ...(d.teams[id]?.managerIds ?? [])]) ids.add(u);
  return { userIds: [...ids].filter((id) => d.users[id]?.active !== false), name };
}

const onAcknowledged = (
  state: EscalationState,
  event: EscalationEvent & { type: 'acknowledged' },
  ctx: StepContext,
): StepResult => {
  let chosen: TargetState[];
  if (event.targetKey !== undefined) {
    const t = state.targets.find((x) => x.key === event.targetKey);
    if (!t) throw notFound('Escalation target', event.targetKey);
    chosen = [t];
  } else {
    const mine = state.targets.filter((t) => t.receivers.includes(event.userId));
    chosen = mine.length ? mine : state.targets;
  }
  chosen = chosen.filter((t) => t.phase !== 'acknowledged');
  if (!chosen.length) return { state, effects: [] };

  const effects: Effect[] = [];
  let next = state;
  for (const t of chosen) {
    next = withTarget(next, t.key, {
      phase: 'acknowledged',
      acknowledgedBy: event.userId,
      acknowledgedMs: ctx.now,
    });
    effects.push({ type: 'cancel_timers', keyPrefix: timerKeyPrefix(state.levelIndex, t.key) });
    effects.push({
      type: 'record',
      kind: 'escalation.target_acknowledged',
      data: { levelIndex: state.levelIndex, targetKey: t.key, userId: event.userId },
    });
  }
  if (state.status === 'requested') {
    next = {
      ...next,
      status: 'acknowledged',
      acknowledgedMs: state.acknowledgedMs ?? ctx.now,
      stalled: false,
    };
    effects.push({
      type: 'record',
      kind: 'escalation.acknowledged',
      data: { levelIndex: state.levelIndex, userId: event.userId },
    });
    if (state.requestedBy)
      effects.push({
        type: 'notify',
        userIds: [state.requestedBy],
        reason: 'acknowledged',
        levelIndex: state.levelIndex,
        targetKey: null,
        adminAlert: false,
      });
  }
  return { state: next, effects };
};

const finish = (
  state: EscalationState,
  status: EscalationStatus,
  data: Record<string, unknown>,
  notifyIds: (string | null)[],
  ctx: StepContext,
  extra: Partial<EscalationState> = {},
): StepResult => {
  const reason = status as 'resolved' | 'returned' | 'cancelled';
  const userIds = [...new Set(notifyIds.filter((id): id is string => id !== null))];
  const effects: Effect[] = [
    { type: 'cancel_timers', keyPrefix: '' },
    { type: 'record', kind: `escalation.${reason}`, data: { levelIndex: state.levelIndex, ...data } },
  ];
  if (userIds.length)
    effects.push({
      type: 'notify',
      userIds,
      reason,
      levelIndex: state.levelIndex,
      targetKey: null,
      adminAlert: false,
    });
  return { state: { ...state, ...extra, status, finishedMs: ctx.now, stalled: false }, effects };
};

/** Applies one event. Throws AppError 409 for people's actions that the state forbids. */
export const step = (
  snapshot: EscalationSnapshot,
  state: EscalationState,
  event: EscalationEvent,
  ctx: StepContext,
): StepResult => {
  if (event.type === 'ack_timeout' || event.type === 'reminder_due')
    return onTimer(snapshot, state, event, ctx);
  if (event.type === 'requested') {
    if (state.status !== 'pending') throw cannot(state, VERB.requested);
    const effects: Effect[] = [
      {
        type: 'record',
        kind: 'escalation.requested',
        data: { requestedBy: event.requestedBy, pathId: snapshot.pathId, pathVersion: snapshot.pathVersion },
      },
    ];
    const started: EscalationState = {
      ...state,
      status: 'requested',
      requestedBy: event.requestedBy,
      requestedMs: ctx.now,
    };
    return { state: enterLevel(snapshot, started, event.levelIndex ?? 0, ctx, effects, null), effects };
  }
  if (state.status === 'pending' || isFinished(state)) throw cannot(state, VERB[event.type]);
  const waitingReceivers = state.targets
    .filter((t) => t.phase !== 'acknowledged')
    .flatMap((t) => t.receivers);
  const owners = state.targets.map((t) => t.acknowledgedBy);

  switch (event.type) {
    case 'acknowledged':
      return onAcknowledged(state, event, ctx);
    case 'returned':
      return finish(
        state,
        'returned',
        { userId: event.userId, reason: event.reason, text: event.text },
        [state.requestedBy],
        ctx,
        {
          returned: { userId: event.userId, reason: event.reason, text: event.text },
        },
      );
    case 'resolved':
      return finish(state, 'resolved', { userId: event.userId, answer: event.answer ?? null }, [state.requestedBy], ctx, {
        acknowledgedMs: state.acknowledgedMs ?? ctx.now,
        resolved: { userId: event.userId, answer: event.answer ?? null },
      });
    case 'cancelled':
      return finish(
        state,
        'cancelled',
        { userId: event.userId },
        [...waitingReceivers, ...owners].filter((id) => id !== event.userId),
        ctx,
      );
    case 'advanced': {
      if (state.stage === 'fallback')
        throw new AppError(
          'conflict',
          'This escalation is already at its fallback; there is no further level.',
          { status: state.status, stage: state.stage, levelIndex: state.levelIndex },
        );
      const effects: Effect[] = [];
      const next = enterLevel(
        snapshot,
        { ...state, status: 'requested' },
        state.levelIndex + 1,
        ctx,
        effects,
        'manual',
      );
      effects.unshift({
        type: 'record',
        kind: 'escalation.advanced',
        data: {
          fromLevel: state.levelIndex,
          toLevel: next.levelIndex,
          userId: event.userId,
          reason: event.reason ?? null,
        },
      });
      return { state: next, effects };
    }
  }
};

// ---------------------------------------------------------------------------------------
// Simulation

export interface SimulatedLevel {
  levelIndex: number;
  name: string;
  skipped: boolean;
  reachedMs: number | null;
  ackDueMs: number | null;
  targets: { key: string; receivers: string[]; trace: string[]; traceFacts?: TraceFact[] }[];
  /** When reminders would go out (all targets of the level). */
  reminders: { atMs: number; targetKey: string; receivers: string[] }[];
  /** When the level would be left for the next one (null: never, e.g. advance is off). */
  leftMs: number | null;
}

export interface SimulationResult {
  levels: SimulatedLevel[];
  fallback: { atMs: number; receivers: string[]; trace: string[]; traceFacts?: TraceFact[]; adminAlert: true } | null;
  stalled: boolean;
  /** Every step applied, in order: the same records the real escalation would write. */
  steps: { atMs: number; event: EscalationEvent; effects: Effect[] }[];
  finalState: EscalationState;
  /** True if `maxSteps` stopped the run early. */
  truncated: boolean;
}

export interface SimulateInput {
  snapshot: EscalationSnapshot;
  arrivalMs: number;
  directory: Directory;
  ticket: TicketContext;
  addSeconds: AddSeconds;
  requestedBy?: string | null;
  /** Level the escalation starts at (default 0). */
  startLevel?: number;
  maxSteps?: number;
}

interface QueuedTimer {
  dueMs: number;
  seq: number;
  key: string;
  event: EscalationEvent & { type: 'ack_timeout' | 'reminder_due' };
}

/**
 * "If this ticket arrived now, what would happen, when, and who would be told?" — assuming
 * nobody acknowledges. Runs `step` on a virtual clock, firing timers in due order (ties in
 * the order they were scheduled), until no timer is left.
 */
export const simulate = (input: SimulateInput): SimulationResult => {
  const { snapshot, directory, ticket, addSeconds } = input;
  const maxSteps = input.maxSteps ?? 10_000;
  const queue: QueuedTimer[] = [];
  const steps: SimulationResult['steps'] = [];
  const levels = new Map<number, SimulatedLevel>();
  let fallback: SimulationResult['fallback'] = null;
  let seq = 0;
  let state = initialState();

  const levelEntry = (i: number): SimulatedLevel => {
    let l = levels.get(i);
    if (!l) {
      l = {
        levelIndex: i,
        name: snapshot.levels[i]?.name ?? '',
        skipped: false,
        reachedMs: null,
        ackDueMs: null,
        targets: [],
        reminders: [],
        leftMs: null,
      };
      levels.set(i, l);
    }
    return l;
  };

  const apply = (atMs: number, event: EscalationEvent): void => {
    const result = step(snapshot, state, event, { now: atMs, addSeconds, directory, ticket });
    state = result.state;
    steps.push({ atMs, event, effects: result.effects });
    for (const e of result.effects) {
      if (e.type === 'schedule_timer') {
        queue.push({
          dueMs: e.dueMs,
          seq: seq++,
          key: e.key,
          event: { type: e.kind, levelIndex: e.levelIndex, targetKey: e.targetKey },
        });
      } else if (e.type === 'cancel_timers') {
        for (let i = queue.length - 1; i >= 0; i--)
          if ((queue[i] as QueuedTimer).key.startsWith(e.keyPrefix)) queue.splice(i, 1);
      } else if (e.type === 'advance') {
        if (e.fromLevel >= 0) levelEntry(e.fromLevel).leftMs = atMs;
      } else if (e.type === 'record') {
        const d = e.data as Record<string, unknown>;
        if (e.kind === 'escalation.level_reached' || e.kind === 'escalation.level_skipped') {
          const l = levelEntry(d.levelIndex as number);
          l.skipped = e.kind === 'escalation.level_skipped';
          l.reachedMs = l.skipped ? null : atMs;
          l.ackDueMs = l.skipped ? null : (d.ackDueMs as number);
          l.targets = (d.targets as SimulatedLevel['targets']).map((t) => ({
            key: t.key,
            receivers: t.receivers ?? [],
            trace: t.trace,
            ...(t.traceFacts && { traceFacts: t.traceFacts }),
          }));
        } else if (e.kind === 'escalation.reminded') {
          levelEntry(d.levelIndex as number).reminders.push({
            atMs,
            targetKey: d.targetKey as string,
            receivers: d.receivers as string[],
          });
        } else if (e.kind === 'escalation.fallback') {
          fallback = {
            atMs,
            receivers: d.receivers as string[],
            trace: d.trace as string[],
            ...(Array.isArray(d.traceFacts) && { traceFacts: d.traceFacts as TraceFact[] }),
            adminAlert: true,
          };
        }
      }
    }
  };

  apply(input.arrivalMs, { type: 'requested', requestedBy: input.requestedBy ?? null, levelIndex: input.startLevel ?? 0 });
  let truncated = false;
  while (queue.length) {
    if (steps.length >= maxSteps) {
      truncated = true;
      break;
    }
    let best = 0;
    for (let i = 1; i < queue.length; i++) {
      const a = queue[i] as QueuedTimer;
      const b = queue[best] as QueuedTimer;
      if (a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq)) best = i;
    }
    const [timer] = queue.splice(best, 1) as [QueuedTimer];
    apply(timer.dueMs, timer.event);
  }
  return {
    levels: [...levels.values()].sort((a, b) => a.levelIndex - b.levelIndex),
    fallback,
    stalled: state.stalled,
    steps,
    finalState: state,
    truncated,
  };
};
