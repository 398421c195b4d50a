import type { Db, Executor } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { forbidden, notFound } from '../../lib/errors.js';
import {
  hiddenTeams,
  receiverStanding,
  ticketAccess,
  ticketScope,
  type TicketAccessLevel,
  type TicketScope,
  type TicketViewer,
} from './ticket-access.policy.js';
import * as repo from './ticket-access.repository.js';

/** Escalation statuses after which its receivers keep read-only access (escalations' FINISHED_STATUSES). */
const FINISHED = new Set(['resolved', 'returned', 'cancelled']);

/**
 * The one gate for "may this person see / change this ticket": services call it with the
 * viewer (the request's principal; null for the system) before reading or writing anything of a
 * ticket, and add `condition(scope)` to their list queries.
 */
export class TicketAccess {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** What the viewer's list queries must leave out (`{ all: true }`: nothing). */
  async scope(viewer: TicketViewer | null, ex: Executor = this.db): Promise<TicketScope> {
    if (viewer === null || viewer.role === 'admin') return { all: true };
    const restricted = await repo.restrictedTeamIds(ex);
    if (restricted.length === 0) return { all: true };
    const teamIds = await repo.teamIdsOf(ex, viewer.userId);
    const hiddenTeamIds = hiddenTeams(viewer, restricted, teamIds);
    if (hiddenTeamIds.length === 0) return { all: true };
    const received = await repo.receivedTicketIds(ex, { userId: viewer.userId, teamIds, hiddenTeamIds });
    return ticketScope(viewer, restricted, teamIds, received ?? undefined);
  }

  /** The viewer's access to one ticket; 'none' also when there is no such ticket. */
  async level(viewer: TicketViewer | null, ticketId: string, ex: Executor = this.db): Promise<TicketAccessLevel> {
    const t = await repo.ticketTeam(ex, ticketId);
    if (!t) return 'none';
    if (viewer === null) return 'write';
    const restricted = t.restricted === 1;
    if (viewer.role === 'admin' || !restricted) return 'write';
    const teamIds = await repo.teamIdsOf(ex, viewer.userId);
    const member = t.team_id !== null && teamIds.includes(t.team_id);
    const receiver = member
      ? null
      : receiverStanding(
          (await repo.receiverEscalations(ex, ticketId, viewer.userId, teamIds)).map((e) => ({ finished: FINISHED.has(e.status) })),
        );
    return ticketAccess({ role: viewer.role, restricted, member, receiver });
  }

  /**
   * Refuses a viewer who may not see the ticket with the same 404 as a ticket that does not
   * exist (`what`/`id`: the thing asked for, e.g. an escalation of the ticket).
   */
  async assertRead(viewer: TicketViewer | null, ticketId: string, ex: Executor = this.db, what = 'Ticket', id = ticketId): Promise<void> {
    if ((await this.level(viewer, ticketId, ex)) === 'none') throw notFound(what, id);
  }

  /** As assertRead, and 403 for who may only read it (a receiver of an escalation that has ended). */
  async assertWrite(viewer: TicketViewer | null, ticketId: string, ex: Executor = this.db, what = 'Ticket', id = ticketId): Promise<void> {
    const level = await this.level(viewer, ticketId, ex);
    if (level === 'none') throw notFound(what, id);
    if (level === 'read') throw forbidden('The escalation of this ticket has ended: you may read the ticket but no longer change it.');
  }

  /**
   * Which of these people may read the ticket (notifications of it go to them only): all of them
   * unless its team is restricted, else its members, administrators and its escalations' receivers.
   */
  async readersAmong(ticketId: string, userIds: readonly string[], ex: Executor = this.db): Promise<Set<string>> {
    const ids = [...new Set(userIds)];
    const t = await repo.ticketTeam(ex, ticketId);
    if (!t || t.restricted !== 1 || ids.length === 0) return new Set(ids);
    return new Set(await repo.readersOfRestricted(ex, ticketId, t.team_id!, ids));
  }

  /** Which of these tickets the viewer sees. */
  async visibleIds(viewer: TicketViewer | null, ticketIds: readonly string[], ex: Executor = this.db): Promise<Set<string>> {
    return this.visibleIn(await this.scope(viewer, ex), ticketIds, ex);
  }

  private async visibleIn(scope: TicketScope, ticketIds: readonly string[], ex: Executor): Promise<Set<string>> {
    const ids = [...new Set(ticketIds)];
    const cond = repo.ticketVisibleCondition(scope);
    if (!cond || ids.length === 0) return new Set(ids);
    const rows = await ex.selectFrom('tickets').select('tickets.id').where('tickets.id', 'in', ids).where(cond).execute();
    return new Set(rows.map((r) => r.id));
  }

  /**
   * visibleIds for one long-lived reader (the live event stream): the viewer's scope is looked
   * up again at most every `ttlMs`, so a change of teams reaches an open stream within that.
   */
  gate(viewer: TicketViewer, ttlMs = 10_000): (ticketIds: string[]) => Promise<Set<string>> {
    let cached: { scope: TicketScope; at: number } | null = null;
    return async (ticketIds) => {
      const now = this.clock.now();
      if (!cached || now - cached.at >= ttlMs) cached = { scope: await this.scope(viewer), at: now };
      return this.visibleIn(cached.scope, ticketIds, this.db);
    };
  }

  /** Keeps the items whose ticket the viewer sees (items of no ticket stay). */
  async filter<T>(viewer: TicketViewer | null, items: readonly T[], ticketIdOf: (t: T) => string | null, ex: Executor = this.db): Promise<T[]> {
    const ids = items.map(ticketIdOf).filter((x): x is string => x !== null);
    if (ids.length === 0) return [...items];
    const seen = await this.visibleIds(viewer, ids, ex);
    return items.filter((t) => {
      const id = ticketIdOf(t);
      return id === null || seen.has(id);
    });
  }
}
