import type { Executor } from '../../db/database.js';
import type { AuditLogTable } from '../../db/schema.js';

export const insertAuditEntry = (ex: Executor, row: AuditLogTable) => ex.insertInto('audit_log').values(row).execute();

export function listAuditEntries(ex: Executor, opts: { limit: number; before?: string; action?: string; actorId?: string }) {
  let q = ex.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(opts.limit + 1);
  if (opts.before) q = q.where('id', '<', opts.before);
  if (opts.action) q = q.where('action', '=', opts.action);
  if (opts.actorId) q = q.where('actor_id', '=', opts.actorId);
  return q.execute();
}
