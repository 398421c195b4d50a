import type { Db, Executor } from '../../db/database.js';
import { json, parseJson } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, toPage } from '../../http/cursor.js';
import { insertAuditEntry, listAuditEntries } from './audit.repository.js';

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

  async list(opts: { limit: number; cursor?: string; action?: string; actorId?: string }) {
    const key = decodeCursor(opts.cursor);
    const rows = await listAuditEntries(this.db, { ...opts, before: key?.id });
    const page = toPage(rows, opts.limit, (r) => ({ v: null, id: r.id }));
    return {
      items: page.items.map((r) => ({
        id: r.id,
        actorId: r.actor_id,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        ip: r.ip,
        data: parseJson<Record<string, unknown>>(r.data, {}),
        createdAt: new Date(r.created_at).toISOString(),
      })),
      nextCursor: page.nextCursor,
    };
  }
}
