import { createHash } from 'node:crypto';
import type { Db, Executor } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, forbidden, invalid, notFound } from '../../lib/errors.js';
import { newId, randomSecret } from '../../lib/ids.js';
import type { AuditService } from '../audit/index.js';
import { findUserByEmail, findUserById } from '../users/index.js';
import { can } from './auth.policy.js';
import { deleteExpiredSessions, deleteSession, findSessionWithUser, findToken, findTokenWithUser, insertSession, insertToken, listTokens, revokeToken, sessionExists, touchToken } from './auth.repository.js';
import type { Locale, Principal, Role } from './auth.types.js';
import { dummyHash, verifyPassword } from './password.js';

/** Session cookies and API tokens are random secrets; only their SHA-256 is stored. */
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
export const TOKEN_PREFIX = 'esc_';

interface UserCols {
  id: string;
  role: string;
  locale: string;
  time_zone: string;
  name: string;
  email: string;
}
const principalOf = (u: UserCols, via: Principal['via'], extra: Partial<Principal> = {}): Principal => ({
  userId: u.id,
  role: u.role as Role,
  locale: u.locale as Locale,
  timeZone: u.time_zone,
  name: u.name,
  email: u.email,
  via,
  ...extra,
});

/** Hooks the live stream uses to close streams of ended sessions (set by the container). */
export interface SessionEvents {
  sessionsEnded(ex: Executor, sessionIds: string[]): Promise<void>;
}

/** The shared limiter (src/http/rate-limits.ts), as the auth service uses it. */
export interface AccountLimiter {
  hit(key: string, windowMs: number): Promise<{ hits: number; ttlMs: number }>;
  peek(key: string, windowMs: number): Promise<{ hits: number; ttlMs: number }>;
}
const ACCOUNT_WINDOW_MS = 15 * 60_000;

export class AuthService {
  private events: SessionEvents = { sessionsEnded: async () => undefined };

  setSessionEvents(events: SessionEvents): void {
    this.events = events;
  }

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly sessionTtlMs: number,
    /** Failed sign-ins per account, counted on every node (the per-address limit is the route's). */
    private readonly throttle?: { limiter: AccountLimiter; failuresPerAccount: number },
  ) {}

  /** Verifies a password and opens a session. The same error for unknown email and wrong password. */
  async login(email: string, password: string, ip: string): Promise<{ cookie: string; principal: Principal; expiresAt: number }> {
    // Per account as well as per address: guessing one person's password from many addresses
    // is throttled too. Keyed by the address typed, so unknown accounts behave the same.
    const accountKey = `login-account:${email.trim().toLowerCase().slice(0, 254)}`;
    if (this.throttle) {
      const seen = await this.throttle.limiter.peek(accountKey, ACCOUNT_WINDOW_MS);
      if (seen.hits >= this.throttle.failuresPerAccount) {
        await this.audit.record(this.db, { actorId: null, action: 'auth.login_throttled', ip, data: { email: email.trim().toLowerCase().slice(0, 254) } });
        const retryAfterSeconds = Math.ceil(seen.ttlMs / 1000);
        throw new AppError('rate_limited', `Too many failed sign-ins for this account; try again in ${retryAfterSeconds} seconds.`, { scope: 'account', retryAfterSeconds });
      }
    }
    const user = await findUserByEmail(this.db, email.trim());
    const ok = user?.password_hash && user.active === 1 ? await verifyPassword(user.password_hash, password) : (await verifyPassword(await dummyHash(), password), false);
    if (!user || !ok) {
      if (this.throttle) await this.throttle.limiter.hit(accountKey, ACCOUNT_WINDOW_MS);
      await this.audit.record(this.db, { actorId: user?.id ?? null, action: 'auth.login_failed', ip, data: { email: email.trim().toLowerCase().slice(0, 254) } });
      throw new AppError('unauthenticated', 'Email or password is incorrect.');
    }
    const cookie = randomSecret(32);
    const csrfToken = randomSecret(24);
    const now = this.clock.now();
    const expiresAt = now + this.sessionTtlMs;
    const sessionId = sha256(cookie);
    await inTransaction(this.db, async (tx) => {
      await deleteExpiredSessions(tx, now);
      await insertSession(tx, { id: sessionId, user_id: user.id, csrf_token: csrfToken, created_at: now, expires_at: expiresAt });
      await this.audit.record(tx, { actorId: user.id, action: 'auth.login_succeeded', targetType: 'user', targetId: user.id, ip });
    });
    return { cookie, principal: principalOf(user, 'session', { sessionId, csrfToken }), expiresAt };
  }

  async logout(principal: Principal, ip: string): Promise<void> {
    if (!principal.sessionId) return;
    await inTransaction(this.db, async (tx) => {
      await deleteSession(tx, principal.sessionId!);
      await this.events.sessionsEnded(tx, [principal.sessionId!]);
      await this.audit.record(tx, { actorId: principal.userId, action: 'auth.logged_out', ip });
    });
  }

  async authenticateSession(cookie: string): Promise<Principal | null> {
    const row = await findSessionWithUser(this.db, sha256(cookie));
    if (!row || row.expires_at <= this.clock.now() || row.active !== 1) return null;
    return principalOf(row, 'session', { sessionId: row.session_id, csrfToken: row.csrf_token });
  }

  /** Whether a session still exists and has not expired (the live stream re-checks it). */
  sessionAlive(sessionId: string): Promise<boolean> {
    return sessionExists(this.db, sessionId, this.clock.now());
  }

  /** The token's user; null when unknown or revoked; throws token_expired past its expiry. */
  async authenticateToken(token: string): Promise<Principal | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const row = await findTokenWithUser(this.db, sha256(token));
    if (!row || row.revoked_at !== null || row.active !== 1) return null;
    const now = this.clock.now();
    if (row.expires_at !== null && row.expires_at !== undefined && Number(row.expires_at) <= now) {
      throw new AppError('token_expired', `This API token expired at ${new Date(Number(row.expires_at)).toISOString()}; create a new one.`, { expiredAt: new Date(Number(row.expires_at)).toISOString() });
    }
    // Coarse last-used tracking: at most one write a minute per token keeps the hot path read-only.
    if (row.last_used_at === null || now - row.last_used_at > 60_000) await touchToken(this.db, row.token_id, now);
    return principalOf(row, 'token');
  }

  /** Creates a token for a user; the plain token is returned once and never stored. */
  async createToken(actor: Principal | null, userId: string, name: string, ip?: string, opts: { expiresAt?: number | null } = {}): Promise<{ token: string; id: string; prefix: string; expiresAt: string | null }> {
    if (actor && actor.userId !== userId && !can(actor.role, 'tokens.manage')) throw forbidden('You can only create tokens for yourself.');
    const expiresAt = opts.expiresAt ?? null;
    if (expiresAt !== null && !(expiresAt > this.clock.now())) throw invalid([{ field: 'expiresAt', code: 'token_expiry_past', message: 'must be in the future' }]);
    const user = await findUserById(this.db, userId);
    if (!user || user.active !== 1) throw notFound('User', userId);
    const token = `${TOKEN_PREFIX}${randomSecret(32)}`;
    const id = newId();
    const prefix = token.slice(0, 10);
    await inTransaction(this.db, async (tx) => {
      await insertToken(tx, { id, user_id: userId, name, token_hash: sha256(token), prefix, created_at: this.clock.now(), last_used_at: null, revoked_at: null, expires_at: expiresAt });
      await this.audit.record(tx, { actorId: actor?.userId ?? null, action: 'token.created', targetType: 'api_token', targetId: id, ip, data: { userId, name, expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString() } });
    });
    return { token, id, prefix, expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString() };
  }

  async listTokens(actor: Principal, all: boolean) {
    const rows = await listTokens(this.db, all && can(actor.role, 'tokens.manage') ? undefined : actor.userId);
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      name: r.name,
      prefix: r.prefix,
      createdAt: new Date(r.created_at).toISOString(),
      lastUsedAt: r.last_used_at === null ? null : new Date(r.last_used_at).toISOString(),
      revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at).toISOString(),
      expiresAt: r.expires_at === null || r.expires_at === undefined ? null : new Date(Number(r.expires_at)).toISOString(),
      expired: r.expires_at !== null && r.expires_at !== undefined && Number(r.expires_at) <= this.clock.now(),
    }));
  }

  async revokeToken(actor: Principal, id: string, ip?: string): Promise<void> {
    const row = await findToken(this.db, id);
    if (!row) throw notFound('API token', id);
    if (row.user_id !== actor.userId && !can(actor.role, 'tokens.manage')) throw forbidden('You can only revoke your own tokens.');
    await inTransaction(this.db, async (tx) => {
      await revokeToken(tx, id, this.clock.now());
      await this.audit.record(tx, { actorId: actor.userId, action: 'token.revoked', targetType: 'api_token', targetId: id, ip });
    });
  }
}
