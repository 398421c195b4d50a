import type { Team, User } from '../../api/types.js';

/**
 * Whether moving a ticket into `team` hides it from `user` (ticket-access.policy on the server):
 * a restricted team's tickets are seen by its members (any role) and administrators. Current
 * escalation receivers keep sight too, but a warning too many is better than a "not found".
 */
export const losesSightOf = (user: Pick<User, 'id' | 'role'>, team: Pick<Team, 'restricted'> & { members: readonly { userId: string }[] }): boolean =>
  team.restricted && user.role !== 'admin' && !team.members.some((m) => m.userId === user.id);

/** The queue's query after such a move: it says where the ticket went (`?moved=1042&to=<teamId>`). */
export const movedNoticeSearch = (number: number, teamId: string): string => `?${new URLSearchParams({ moved: String(number), to: teamId }).toString()}`;

/** The notice's facts from the queue's query, or null. */
export function movedNotice(search: string): { number: string; teamId: string } | null {
  const q = new URLSearchParams(search);
  const number = q.get('moved');
  const teamId = q.get('to');
  return number && /^\d{1,12}$/.test(number) && teamId ? { number, teamId } : null;
}
