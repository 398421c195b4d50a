import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { AuditLogTable } from '../../db/schema.js';

export const insertAuditEntry = (ex: Executor, row: AuditLogTable) => ex.insertInto('audit_log').values(row).execute();

export interface AuditFilter {
  limit: number;
  before?: string;
  action?: string;
  /** `team.` matches team.created, team.updated, … (not team_channel.*). */
  actionPrefix?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  fromMs?: number;
  toMs?: number;
}

/** Newest first, with the names of the actor and of a user target and the title of an incident target (the console shows names). */
export function listAuditEntries(ex: Executor, opts: AuditFilter) {
  let q = ex
    .selectFrom('audit_log')
    .leftJoin('users as actor', 'actor.id', 'audit_log.actor_id')
    .leftJoin('users as target_user', (j) => j.onRef('target_user.id', '=', 'audit_log.target_id').on('audit_log.target_type', '=', 'user'))
    .leftJoin('incidents as target_incident', (j) => j.onRef('target_incident.id', '=', 'audit_log.target_id').on('audit_log.target_type', '=', 'incident'))
    .selectAll('audit_log')
    .select(['actor.name as actor_name', 'target_user.name as target_user_name', 'target_incident.title as target_incident_title'])
    .orderBy('audit_log.id', 'desc')
    .limit(opts.limit + 1);
  if (opts.before) q = q.where('audit_log.id', '<', opts.before);
  if (opts.action) q = q.where('audit_log.action', '=', opts.action);
  // substr, not LIKE: `_` in sla_policy. would be a LIKE wildcard (same text on both databases).
  if (opts.actionPrefix) q = q.where(sql<string>`substr(audit_log.action, 1, ${opts.actionPrefix.length})`, '=', opts.actionPrefix);
  if (opts.actorId) q = q.where('audit_log.actor_id', '=', opts.actorId);
  if (opts.targetType) q = q.where('audit_log.target_type', '=', opts.targetType);
  if (opts.targetId) q = q.where('audit_log.target_id', '=', opts.targetId);
  if (opts.fromMs !== undefined) q = q.where('audit_log.created_at', '>=', opts.fromMs);
  if (opts.toMs !== undefined) q = q.where('audit_log.created_at', '<', opts.toMs);
  return q.execute();
}

