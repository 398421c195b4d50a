/** Pure rules of the public surfaces (no I/O; time passed in). */

/**
 * Whether a link still opens its ticket: not revoked, still the ticket's requester (the link
 * rotates when the requester changes), and not older than `ttlDays` after the ticket was solved
 * (or closed). Pure: time is passed in.
 */
export function linkState(link: { customer_id: string; revoked_at: number | null }, ticket: { requesterId: string | null; solvedAt: number | null; closedAt: number | null }, now: number, ttlDays: number): 'valid' | 'revoked' | 'expired' {
  if (link.revoked_at !== null || ticket.requesterId !== link.customer_id) return 'revoked';
  const done = ticket.solvedAt ?? ticket.closedAt;
  if (done !== null && now > done + ttlDays * 86_400_000) return 'expired';
  return 'valid';
}
