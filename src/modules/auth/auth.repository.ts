import type { Executor } from '../../db/database.js';
import type { ApiTokensTable, SessionsTable } from '../../db/schema.js';

export const insertSession = (ex: Executor, row: SessionsTable) => ex.insertInto('sessions').values(row).execute();
export const deleteSession = (ex: Executor, id: string) => ex.deleteFrom('sessions').where('id', '=', id).execute();
export const deleteExpiredSessions = (ex: Executor, now: number) => ex.deleteFrom('sessions').where('expires_at', '<', now).execute();

export const findSessionWithUser = (ex: Executor, id: string) =>
  ex
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id as session_id', 'sessions.csrf_token', 'sessions.expires_at', 'users.id', 'users.role', 'users.locale', 'users.time_zone', 'users.name', 'users.email', 'users.active'])
    .where('sessions.id', '=', id)
    .executeTakeFirst();

export const insertToken = (ex: Executor, row: ApiTokensTable) => ex.insertInto('api_tokens').values(row).execute();

export const findTokenWithUser = (ex: Executor, hash: string) =>
  ex
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['api_tokens.id as token_id', 'api_tokens.revoked_at', 'api_tokens.last_used_at', 'api_tokens.expires_at', 'users.id', 'users.role', 'users.locale', 'users.time_zone', 'users.name', 'users.email', 'users.active'])
    .where('api_tokens.token_hash', '=', hash)
    .executeTakeFirst();

export const touchToken = (ex: Executor, id: string, now: number) => ex.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();

export const listTokens = (ex: Executor, userId?: string) => {
  let q = ex.selectFrom('api_tokens').select(['id', 'user_id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at', 'expires_at']).orderBy('id', 'desc');
  if (userId) q = q.where('user_id', '=', userId);
  return q.execute();
};

export const findToken = (ex: Executor, id: string) => ex.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
export const revokeToken = (ex: Executor, id: string, now: number) =>
  ex.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();

/** Ends a user's sessions (all, or all but one) and returns the ended ids (for the live stream). */
export async function endSessions(ex: Executor, userId: string, exceptSessionId?: string): Promise<string[]> {
  let q = ex.selectFrom('sessions').select('id').where('user_id', '=', userId);
  if (exceptSessionId) q = q.where('id', '<>', exceptSessionId);
  const ids = (await q.execute()).map((r) => r.id);
  if (ids.length) await ex.deleteFrom('sessions').where('id', 'in', ids).execute();
  return ids;
}

/** Revokes every live token of a user; returns how many. */
export async function revokeTokensOf(ex: Executor, userId: string, now: number): Promise<number> {
  const r = await ex.updateTable('api_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export const sessionExists = async (ex: Executor, id: string, now: number): Promise<boolean> =>
  (await ex.selectFrom('sessions').select('id').where('id', '=', id).where('expires_at', '>', now).executeTakeFirst()) !== undefined;
