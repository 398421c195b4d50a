/**
 * The thin shell around the pure engine: builds a step context from the database (directory
 * snapshot, level calendars), and turns the engine's effects into rows — timer jobs with
 * dedupe keys `esc:{escalationId}:…`, 'notify' jobs, and timeline events — inside the
 * caller's transaction, so a step and its consequences commit together.
 */
import type { Executor, Tx } from '../../db/database.js';
import { cancelJobsByPrefix, enqueueJob } from '../../jobs/jobs.repository.js';
import { newId } from '../../lib/ids.js';
import { addBusinessSeconds, compileCalendar, validateCalendarDefinition, type CalendarDefinition } from '../calendars/index.js';
import type { TicketsService } from '../tickets/index.js';
import * as repo from './escalations.repository.js';
import type { AddSeconds, Directory, TicketContext } from '../oncall/index.js';
import type { Effect, EscalationSnapshot, EscalationState } from './escalation.types.js';

export const ESCALATION_TIMER_JOB = 'escalation.timer';
export const NOTIFY_JOB = 'notify';

/** Dedupe-key prefix of every timer of one escalation. */
export const escalationKeyPrefix = (escalationId: string): string => `esc:${escalationId}:`;

/** Timeline kinds as the rest of Escalon reads them (reports, the console). */
const TIMELINE_KIND: Record<string, string> = {
  'escalation.reminded': 'escalation.reminder',
};

/** Wall-clock or business-calendar arithmetic per level of a snapshot. */
export async function addSecondsFor(ex: Executor, snapshot: Pick<EscalationSnapshot, 'levels'>): Promise<AddSeconds> {
  const ids = [...new Set(snapshot.levels.map((l) => l.calendarId).filter((id): id is string => !!id))];
  const defs = await repo.calendarDefinitions(ex, ids);
  const compiled = new Map<string, ReturnType<typeof compileCalendar>>();
  for (const [id, def] of defs) {
    // A calendar that no longer validates falls back to wall-clock time rather than stopping timers.
    if (def && validateCalendarDefinition(def).length === 0) compiled.set(id, compileCalendar(def as CalendarDefinition));
  }
  return (startMs, seconds, levelIndex) => {
    const calendarId = levelIndex === undefined ? null : snapshot.levels[levelIndex]?.calendarId;
    const cal = calendarId ? compiled.get(calendarId) : undefined;
    return cal ? addBusinessSeconds(cal, startMs, seconds) : startMs + seconds * 1000;
  };
}

export interface EffectContext {
  escalationId: string;
  ticketId: string;
  actorId: string | null;
  now: number;
  directory: Directory;
  /** The ticket's assignee and team: told of the outcome too, and instead of a missing requester. */
  ticket?: TicketContext;
  /** The person who escalated: told when it moves on without them (advanced, fallback). */
  requestedBy?: string | null;
}

/** Outcomes the person who escalated (and the ticket's assignee) hears about. */
const OUTCOME_REASONS = new Set(['acknowledged', 'returned', 'resolved']);

/**
 * Who hears about an outcome: the engine's recipients (the requester), the ticket's assignee
 * when different; an automatic escalation returned with nobody to tell reaches the ticket's team.
 */
export function outcomeRecipients(reason: string, userIds: string[], ticket: TicketContext | undefined, directory: Directory, actorId: string | null): string[] {
  if (!OUTCOME_REASONS.has(reason)) return userIds;
  const ids = new Set(userIds);
  if (ticket?.assigneeId && ticket.assigneeId !== actorId) ids.add(ticket.assigneeId);
  if (!ids.size && reason === 'returned' && ticket?.currentTeamId) {
    const team = directory.teams[ticket.currentTeamId];
    for (const id of team?.memberIds ?? []) if (id !== actorId && directory.users[id]?.active !== false) ids.add(id);
  }
  return [...ids];
}

/** The instant the current level's acknowledgement is due (from this step's timers), if any. */
export const ackDueOf = (effects: Effect[]): number | null | undefined => {
  const due = effects.filter((e) => e.type === 'schedule_timer' && e.kind === 'ack_timeout').map((e) => (e as { dueMs: number }).dueMs);
  if (due.length) return Math.min(...due);
  return effects.some((e) => e.type === 'advance') ? null : undefined;
};

/** Writes jobs and timeline events for one step's effects. */
export async function performEffects(tx: Tx, tickets: TicketsService, effects: Effect[], c: EffectContext): Promise<void> {
  const prefix = escalationKeyPrefix(c.escalationId);
  const authorType = c.actorId ? 'user' : 'system';
  const notify = async (event: string, userIds: string[], data: Record<string, unknown>) => {
    if (!userIds.length) return;
    await enqueueJob(
      tx,
      {
        kind: NOTIFY_JOB,
        dedupeKey: `notify:esc:${c.escalationId}:${newId()}`,
        dueAt: c.now,
        payload: { event, recipients: { userIds: [...new Set(userIds)] }, ticketId: c.ticketId, escalationId: c.escalationId, data },
        maxAttempts: 5,
      },
      c.now,
    );
  };
  // The facts of the step's record travel with its notification (who acknowledged, the reason
  // and text of a return, the answer of a resolution), so templates can say them.
  const recorded = new Map(effects.flatMap((e) => (e.type === 'record' ? [[e.kind as string, e.data] as const] : [])));
  const withOutcome: Effect[] = [...effects];
  for (const reason of ['returned', 'resolved'] as const)
    if (recorded.has(`escalation.${reason}`) && !effects.some((e) => e.type === 'notify' && e.reason === reason))
      withOutcome.push({ type: 'notify', userIds: [], reason, levelIndex: Number(recorded.get(`escalation.${reason}`)?.levelIndex ?? 0), targetKey: null, adminAlert: false });
  for (const e of withOutcome) {
    switch (e.type) {
      case 'schedule_timer':
        await enqueueJob(
          tx,
          {
            kind: ESCALATION_TIMER_JOB,
            dedupeKey: prefix + e.key,
            dueAt: e.dueMs,
            payload: { escalationId: c.escalationId, kind: e.kind, levelIndex: e.levelIndex, targetKey: e.targetKey },
          },
          c.now,
          { replace: true },
        );
        break;
      case 'cancel_timers':
        await cancelJobsByPrefix(tx, prefix + e.keyPrefix, c.now);
        break;
      case 'notify':
        await notify(`escalation.${e.reason}`, outcomeRecipients(e.reason, e.userIds, c.ticket, c.directory, c.actorId), {
          ...(OUTCOME_REASONS.has(e.reason) && recorded.get(`escalation.${e.reason}`)),
          levelIndex: e.levelIndex,
          targetKey: e.targetKey,
          adminAlert: e.adminAlert,
          ...(e.targetName && { targetName: e.targetName }),
        });
        break;
      case 'fallback': {
        // Every level is exhausted: administrators are always told, whoever else is.
        const admins = await repo.activeAdminIds(tx);
        await notify('escalation.admin_alert', admins, { reason: 'fallback', receivers: e.userIds });
        if (c.requestedBy && c.requestedBy !== c.actorId && !admins.includes(c.requestedBy) && !e.userIds.includes(c.requestedBy))
          await notify('escalation.fallback', [c.requestedBy], { forRequester: true });
        break;
      }
      case 'advance':
        // The person who escalated hears that it moved on (deadline passed, nobody reachable, or
        // someone else escalated it further); the receivers of the new level are told separately.
        if (c.requestedBy && c.requestedBy !== c.actorId)
          await notify('escalation.advanced', [c.requestedBy], { fromLevel: e.fromLevel, toLevel: e.toLevel, forRequester: true });
        // Manual advances already carry their own 'escalation.advanced' record.
        if (e.reason !== 'manual')
          await tickets.appendEvent(
            tx,
            c.ticketId,
            { kind: 'escalation.advanced', visibility: 'internal', authorType: 'system', authorId: null, data: { escalationId: c.escalationId, fromLevel: e.fromLevel, toLevel: e.toLevel, reason: e.reason, automatic: true } },
            c.now,
          );
        break;
      case 'record':
        await tickets.appendEvent(
          tx,
          c.ticketId,
          { kind: TIMELINE_KIND[e.kind] ?? e.kind, visibility: 'internal', authorType, authorId: c.actorId, data: { escalationId: c.escalationId, ...e.data } },
          c.now,
        );
        // The answer of a resolution is an internal note on the ticket, linked to its escalation.
        if (e.kind === 'escalation.resolved' && typeof e.data.answer === 'string' && e.data.answer)
          await tickets.appendEvent(
            tx,
            c.ticketId,
            { kind: 'message.added', visibility: 'internal', authorType, authorId: c.actorId, body: e.data.answer, data: { escalationId: c.escalationId, answer: true } },
            c.now,
          );
        break;
    }
  }
}

/** Users and teams an escalation currently reaches (for "addressed to me" and "my teams"). */
export function recipientsOfState(state: EscalationState, directory: Directory): { userIds: string[]; teamIds: string[] } {
  const userIds = state.targets.flatMap((t) => t.receivers);
  const teamIds: string[] = [];
  for (const t of state.targets) {
    if (t.target?.type === 'team') teamIds.push(t.target.teamId);
    if (t.target?.type === 'rotation') {
      const teamId = directory.rotations[t.target.rotationId]?.teamId;
      if (teamId) teamIds.push(teamId);
    }
  }
  return { userIds, teamIds };
}

export const ticketContextOf = (t: { teamId: string | null; assigneeId: string | null }): TicketContext => ({
  currentTeamId: t.teamId,
  assigneeId: t.assigneeId,
});
