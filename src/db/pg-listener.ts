import pg from 'pg';
import type { Logger } from '../lib/logger.js';
import { pgConnectionConfig } from './dialect.js';

export interface PgListenerOptions {
  url: string;
  channel: string;
  logger: Logger;
  /** Names the connection in logs ("job listener") and in pg_stat_activity (escalon-<what>). */
  what: string;
  onNotification(payload: string | undefined): void;
  /**
   * After every connection, once LISTEN is active: a NOTIFY sent while the connection was
   * down is lost, so this is where the owner rescans what it may have missed.
   */
  onConnected?(): void;
  minDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * A LISTEN connection that stays up: when it drops (database restart, failover,
 * pg_terminate_backend, network) it reconnects with capped exponential backoff and jitter,
 * logging once when it is lost and once when it is back, not on every attempt.
 */
export class PgListener {
  private client: pg.Client | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private delayMs: number;
  private lostSince: number | null = null;

  constructor(private readonly o: PgListenerOptions) {
    this.delayMs = o.minDelayMs ?? 250;
  }

  /** Whether LISTEN is active right now. */
  get connected(): boolean {
    return this.client !== null;
  }

  /** Connects once; on failure it keeps retrying in the background (it never throws). */
  async start(): Promise<void> {
    this.closed = false;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(
      pgConnectionConfig(this.o.url, `escalon-${this.o.what.replace(/\s+/g, '-')}`),
    );
    let gone = false;
    const lost = (err?: unknown) => {
      if (gone) return;
      gone = true;
      if (this.client === client) this.client = null;
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
      if (!this.closed) this.retryLater(err);
    };
    client.on('notification', (n) => {
      if (n.channel === this.o.channel) this.o.onNotification(n.payload);
    });
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${this.o.channel}`);
    } catch (err) {
      lost(err);
      return;
    }
    if (gone) return;
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.delayMs = this.o.minDelayMs ?? 250;
    if (this.lostSince !== null) {
      this.o.logger.info(
        { downMs: Math.round(performance.now() - this.lostSince) },
        `${this.o.what} reconnected`,
      );
      this.lostSince = null;
    }
    this.o.onConnected?.();
  }

  private retryLater(err: unknown): void {
    if (this.lostSince === null) {
      this.lostSince = performance.now();
      this.o.logger.warn({ err }, `${this.o.what} connection lost; reconnecting with backoff`);
    }
    const delay = this.delayMs * (0.75 + Math.random() / 2);
    this.delayMs = Math.min(this.delayMs * 2, this.o.maxDelayMs ?? 10_000);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => undefined);
  }
}
