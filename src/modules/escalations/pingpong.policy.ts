/**
 * Ping-pong (たらい回し): a ticket bounced between teams.
 *
 * Rules:
 * - A transfer is a team change from one team to a different team; assigning a team to a
 *   ticket that had none, or removing the team, is not a transfer.
 * - Past the limit (transfers > limit, default 3) the ticket is flagged and routed to the
 *   supervisors of the team that first escalated it (the `from` team of the first transfer),
 *   with the bounce history as text.
 * - `bounces` counts transfers back to a team the ticket already visited, for path review.
 */
import type { Directory } from '../oncall/index.js';

export const DEFAULT_PINGPONG_LIMIT = 3;

export interface TeamChange {
  atMs: number;
  fromTeamId: string | null;
  toTeamId: string | null;
  byUserId?: string | null;
}

export interface PingPongResult {
  transfers: number;
  bounces: number;
  flagged: boolean;
  limit: number;
  firstTeamId: string | null;
  /** Where a flagged ticket goes: the supervisors of the first escalating team. */
  routeTo: { teamId: string; supervisorIds: string[] } | null;
  /** "Support → Billing → Support → Billing (4 transfers)" */
  history: string;
  /** The teams' names in the order the ticket went through them (for the reader's language). */
  chain: string[];
}

export const detectPingPong = (
  changes: readonly TeamChange[],
  directory: Pick<Directory, 'teams'>,
  options: { limit?: number; lang?: 'ja' | 'en' } = {},
): PingPongResult => {
  const limit = options.limit ?? DEFAULT_PINGPONG_LIMIT;
  const lang = options.lang ?? 'en';
  const ordered = [...changes].sort((a, b) => a.atMs - b.atMs);
  const transfers = ordered.filter(
    (c) => c.fromTeamId !== null && c.toTeamId !== null && c.fromTeamId !== c.toTeamId,
  ) as (TeamChange & {
    fromTeamId: string;
    toTeamId: string;
  })[];
  const first = transfers[0];
  const visited = new Set<string>();
  let bounces = 0;
  const chain: string[] = [];
  for (const t of transfers) {
    if (!chain.length) {
      chain.push(t.fromTeamId);
      visited.add(t.fromTeamId);
    } else if (chain[chain.length - 1] !== t.fromTeamId) chain.push(t.fromTeamId);
    if (visited.has(t.toTeamId)) bounces++;
    visited.add(t.toTeamId);
    chain.push(t.toTeamId);
  }
  const name = (id: string) => directory.teams[id]?.name ?? id;
  const count =
    lang === 'ja'
      ? `（移管 ${transfers.length} 回、差し戻し ${bounces} 回）`
      : ` (${transfers.length} transfers, ${bounces} back to a team already visited)`;
  const history = chain.length ? chain.map(name).join(' → ') + count : '';
  const flagged = transfers.length > limit;
  const firstTeamId = first ? first.fromTeamId : null;
  const routeTo =
    flagged && firstTeamId
      ? { teamId: firstTeamId, supervisorIds: [...(directory.teams[firstTeamId]?.supervisorIds ?? [])] }
      : null;
  return { transfers: transfers.length, bounces, flagged, limit, firstTeamId, routeTo, history, chain: chain.map(name) };
};
