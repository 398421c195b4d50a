import type { Role } from '../auth/index.js';

/**
 * Who may see which ticket (issue 14 §2). A ticket of a restricted team is seen by the team's
 * members (whatever their role in the team: member, supervisor, manager), by the current
 * receivers of one of its escalations (to act while it runs, read-only once it has ended) and
 * by administrators. Tickets of other teams, and tickets of no team, are seen by everyone as
 * before. Everything that shows a ticket or something of it goes through here (reads, lists,
 * timeline, attachments, escalations, live events, exports), through TicketAccess.
 */

/** Who looks: a signed-in person (a Principal fits). `null` elsewhere means the system. */
export interface TicketViewer {
  userId: string;
  role: Role;
}

export type TicketAccessLevel = 'none' | 'read' | 'write';

/** What a viewer is to one ticket's escalations: receiver of a running one, of an ended one, or neither. */
export type ReceiverStanding = 'running' | 'ended' | null;

export interface TicketAccessFacts {
  role: Role;
  /** The ticket's team is restricted. */
  restricted: boolean;
  /** The viewer is in the ticket's team (any team role). */
  member: boolean;
  receiver: ReceiverStanding;
}

export function ticketAccess(f: TicketAccessFacts): TicketAccessLevel {
  if (f.role === 'admin' || !f.restricted || f.member) return 'write';
  if (f.receiver === 'running') return 'write';
  if (f.receiver === 'ended') return 'read';
  return 'none';
}

/**
 * What a list query must leave out for one viewer: `all` when nothing is hidden from them (the
 * query stays exactly as it was, so its indexes serve it as before), else the restricted teams
 * they are not in, with what makes them an escalation receiver.
 */
export type TicketScope =
  | { all: true }
  | {
      all: false;
      userId: string;
      hiddenTeamIds: string[];
      teamIds: string[];
      /**
       * Tickets of those teams the viewer received an escalation of, when known (few): the
       * condition then names them instead of asking the escalations in a subquery.
       */
      receivedTicketIds?: string[];
    };

/** The restricted teams the viewer is not in; empty when they see every ticket. */
export function hiddenTeams(viewer: TicketViewer | null, restrictedTeamIds: readonly string[], viewerTeamIds: readonly string[]): string[] {
  if (viewer === null || viewer.role === 'admin') return [];
  const mine = new Set(viewerTeamIds);
  return restrictedTeamIds.filter((t) => !mine.has(t));
}

export function ticketScope(
  viewer: TicketViewer | null,
  restrictedTeamIds: readonly string[],
  viewerTeamIds: readonly string[],
  receivedTicketIds?: readonly string[],
): TicketScope {
  const hiddenTeamIds = hiddenTeams(viewer, restrictedTeamIds, viewerTeamIds);
  if (viewer === null || hiddenTeamIds.length === 0) return { all: true };
  return {
    all: false,
    userId: viewer.userId,
    hiddenTeamIds,
    teamIds: [...viewerTeamIds],
    ...(receivedTicketIds && { receivedTicketIds: [...receivedTicketIds] }),
  };
}

/** The viewer's standing on a ticket's escalations, from the ones that name them as receiver. */
export function receiverStanding(escalations: readonly { finished: boolean }[]): ReceiverStanding {
  if (escalations.length === 0) return null;
  return escalations.some((e) => !e.finished) ? 'running' : 'ended';
}
