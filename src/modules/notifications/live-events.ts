/**
 * Live updates for the console (server-sent events): ticket, escalation and notification
 * changes, published after the causing transaction commits. On PostgreSQL every node hears
 * every event through LISTEN/NOTIFY on `escalon_events` (NOTIFY is delivered at commit, so a
 * rolled-back change is never announced); on SQLite (one node) an in-process emitter.
 */
import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import { afterCommit, type Executor } from '../../db/database.js';
import { dialectOf } from '../../db/dialect.js';
import { PgListener } from '../../db/pg-listener.js';
import type { Logger } from '../../lib/logger.js';

export const EVENTS_CHANNEL = 'escalon_events';
/** Control events, never forwarded to the console: ids are session ids (SHA-256 of the cookie) / user ids. */
export const SESSION_ENDED_EVENT = 'session.ended';
export const USER_DEACTIVATED_EVENT = 'user.deactivated';

/** Small on purpose (NOTIFY payloads are limited to 8 kB): clients fetch what changed. */
export interface LiveEvent {
  type: string;
  ids: string[];
  /** Only these people receive it (notifications); absent = every signed-in user. */
  userIds?: string[];
  /** The tickets it is about when `ids` are not tickets (escalation.updated): only who sees one of them hears it. */
  ticketIds?: string[];
}

/** The tickets an event is about: ticket.* events name them in `ids`. */
export const ticketIdsOf = (e: LiveEvent): string[] => e.ticketIds ?? (e.type.startsWith('ticket.') ? e.ids : []);

/** Which of these tickets the subscriber may see (TicketAccess.visibleIds for the subscriber). */
export type TicketGate = (ticketIds: string[]) => Promise<Set<string>>;

export class LiveEvents {
  private readonly emitter = new EventEmitter();
  private listener: PgListener | null = null;
  private listening: Promise<void> | null = null;

  constructor(private readonly o: { listenUrl?: string; logger: Logger }) {
    this.emitter.setMaxListeners(0);
  }

  /** Announces `e` once `ex` commits (at once outside a transaction). */
  async publish(ex: Executor, e: LiveEvent): Promise<void> {
    const event: LiveEvent = {
      type: e.type,
      ids: e.ids.slice(0, 50),
      ...(e.userIds && { userIds: e.userIds.slice(0, 200) }),
      ...(e.ticketIds && { ticketIds: e.ticketIds.slice(0, 50) }),
    };
    if (dialectOf(ex) === 'postgres' && this.o.listenUrl) {
      await sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(event)})`.execute(ex);
      return;
    }
    afterCommit(ex, () => this.emitter.emit('event', event));
  }

  /** Calls fn for every event from now on; returns the unsubscribe function. */
  async subscribe(fn: (e: LiveEvent) => void): Promise<() => void> {
    await this.listen();
    this.emitter.on('event', fn);
    return () => this.emitter.off('event', fn);
  }

  /**
   * Calls fn, in order, for the events `userId` may hear: those addressed to them or to
   * everyone, about tickets `sees` lets through (a ticket event keeps only the ids of tickets
   * the subscriber sees, and is dropped when none is left).
   */
  async subscribeAs(userId: string, sees: TicketGate, fn: (e: LiveEvent) => void): Promise<() => void> {
    let chain = Promise.resolve();
    return this.subscribe((e) => {
      if (e.userIds && !e.userIds.includes(userId)) return;
      const about = ticketIdsOf(e);
      if (about.length === 0) return fn(e);
      // One event after the other, so the checks never reorder them.
      chain = chain
        .then(async () => {
          const seen = await sees(about);
          if (seen.size === 0) return;
          fn(e.ticketIds || !e.type.startsWith('ticket.') ? e : { ...e, ids: e.ids.filter((id) => seen.has(id)) });
        })
        .catch((err: unknown) => this.o.logger.warn({ err }, 'live event not delivered: the ticket access check failed'));
    });
  }

  private listen(): Promise<void> {
    if (!this.o.listenUrl) return Promise.resolve();
    // One LISTEN connection for every subscriber, reconnected by itself when it drops (events
    // published while it is down are not delivered to this node's streams).
    this.listening ??= (async () => {
      this.listener = new PgListener({
        url: this.o.listenUrl!,
        channel: EVENTS_CHANNEL,
        logger: this.o.logger,
        what: 'live events listener',
        onNotification: (payload) => {
          try {
            this.emitter.emit('event', JSON.parse(payload ?? '{}') as LiveEvent);
          } catch {
            /* not ours */
          }
        },
      });
      await this.listener.start();
    })();
    return this.listening;
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
    const l = this.listener;
    this.listener = null;
    this.listening = null;
    if (l) await l.close();
  }
}
