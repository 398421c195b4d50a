import type { Db, Executor } from '../../db/database.js';
import { json, parseJson } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, toPage } from '../../http/cursor.js';
import { insertAuditEntry, listAuditEntries, type AuditFilter } from './audit.repository.js';

/** Security-relevant actions: logins, token changes, role changes, user lifecycle. */
export type AuditAction =
  | 'auth.login_succeeded'
  | 'auth.login_failed'
  | 'auth.logged_out'
  | 'token.created'
  | 'token.revoked'
  | 'user.created'
  | 'user.role_changed'
  | 'user.deactivated'
  | 'user.password_changed'
  | (string & {});

export interface AuditInput {
  actorId: string | null;
  action: AuditAction;
  targetType?: string;
  targetId?: string;
  ip?: string | null;
  data?: Record<string, unknown>;
}

/** Who made a change, as routes know it (the signed-in user and the client address). */
export interface AuditActor {
  userId: string;
  ip?: string | null;
}

/** The actor of a request: `auditActor(req)` in a route. */
export const auditActor = (req: { principal?: { userId: string } | null; ip?: string }): AuditActor | null =>
  req.principal ? { userId: req.principal.userId, ip: req.ip ?? null } : null;

export class AuditService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Records inside the caller's transaction, so the entry exists exactly when the change does. */
  record(ex: Executor, input: AuditInput): Promise<unknown> {
    return insertAuditEntry(ex, {
      id: newId(),
      actor_id: input.actorId,
      action: input.action,
      target_type: input.targetType ?? null,
      target_id: input.targetId ?? null,
      ip: input.ip ?? null,
      data: json(input.data),
      created_at: this.clock.now(),
    });
  }

  /**
   * A change of configuration or access: the state before and after (null when created or
   * deleted), recorded in the change's transaction. Callers pass views without secrets.
   */
  change(ex: Executor, actor: AuditActor | null | undefined, action: AuditAction, target: { type: string; id: string }, before: unknown, after: unknown): Promise<unknown> {
    return this.record(ex, { actorId: actor?.userId ?? null, action, targetType: target.type, targetId: target.id, ip: actor?.ip ?? null, data: { before: before ?? null, after: after ?? null } });
  }

  async list(opts: Omit<AuditFilter, 'before'> & { cursor?: string }) {
    const key = decodeCursor(opts.cursor);
    const rows = await listAuditEntries(this.db, { ...opts, before: key?.id });
    const page = toPage(rows, opts.limit, (r) => ({ v: null, id: r.id }));
    return {
      items: page.items.map((r) => ({
        id: r.id,
        actorId: r.actor_id,
        actorName: r.actor_name ?? null,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        targetName: r.target_user_name ?? r.target_incident_title ?? null,
        ip: r.ip,
        data: parseJson<Record<string, unknown>>(r.data, {}),
        createdAt: new Date(Number(r.created_at)).toISOString(),
      })),
      nextCursor: page.nextCursor,
    };
  }
}
