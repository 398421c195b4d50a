/**
 * Rate limits shared by every node: fixed-window counters in the database (rate_limit_hits),
 * one upsert per counted request. With N nodes behind a load balancer a client gets the limit
 * once, not N times. Also the store of @fastify/rate-limit (the per-route `rateLimit` configs).
 */
import type { FastifyRateLimitOptions, FastifyRateLimitStore } from '@fastify/rate-limit';
import type { Db, Executor } from '../db/database.js';
import type { Clock } from '../lib/clock.js';

export interface RateLimitHit {
  /** Hits in the current window, this one included (or, for peek, before it). */
  hits: number;
  /** Milliseconds until the window ends. */
  ttlMs: number;
}

const PURGE_EVERY_MS = 60_000;

const windowOf = (now: number, windowMs: number) => {
  const n = Math.floor(now / windowMs);
  return { n, endsAt: (n + 1) * windowMs };
};

const upsertHit = async (ex: Executor, key: string, expiresAt: number): Promise<number> => {
  const row = await ex
    .insertInto('rate_limit_hits')
    .values({ key, hits: 1, expires_at: expiresAt })
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ hits: eb('rate_limit_hits.hits', '+', 1) })))
    .returning('hits')
    .executeTakeFirstOrThrow();
  return Number(row.hits);
};

export class RateLimiter {
  private lastPurge = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Counts one hit of `key` in its current window of `windowMs`. */
  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    const now = this.clock.now();
    const w = windowOf(now, windowMs);
    const hits = await upsertHit(this.db, `${key}:${w.n}`, w.endsAt);
    await this.purge(now);
    return { hits, ttlMs: w.endsAt - now };
  }

  /** Hits of `key` in its current window so far, without counting one. */
  async peek(key: string, windowMs: number): Promise<RateLimitHit> {
    const now = this.clock.now();
    const w = windowOf(now, windowMs);
    const row = await this.db
      .selectFrom('rate_limit_hits')
      .select('hits')
      .where('key', '=', `${key}:${w.n}`)
      .executeTakeFirst();
    return { hits: row ? Number(row.hits) : 0, ttlMs: w.endsAt - now };
  }

  /** Windows that ended are deleted, at most once a minute per node. */
  private async purge(now: number): Promise<void> {
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    await this.db.deleteFrom('rate_limit_hits').where('expires_at', '<=', now).execute();
  }
}

/** A @fastify/rate-limit store over `limiter`; each route's counters are keyed by its method and URL. */
export function databaseRateLimitStore(
  limiter: RateLimiter,
): new (options: FastifyRateLimitOptions) => FastifyRateLimitStore {
  return class DatabaseRateLimitStore implements FastifyRateLimitStore {
    constructor(
      _options: FastifyRateLimitOptions,
      private readonly prefix = 'http',
    ) {}

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow?: number,
    ): void {
      limiter.hit(`${this.prefix}:${key}`, timeWindow ?? 60_000).then(
        (r) => callback(null, { current: r.hits, ttl: r.ttlMs }),
        (err: Error) => callback(err),
      );
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      // The plugin passes the route's options under routeInfo (its types say RouteOptions).
      const r =
        (routeOptions as unknown as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo ??
        {};
      return new DatabaseRateLimitStore({}, `http:${String(r.method ?? '')}:${r.url ?? ''}`);
    }
  };
}
