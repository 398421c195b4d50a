import { useEffect, useRef } from 'react';

/**
 * Live updates from the server-sent events stream (GET /api/v1/events/stream). One EventSource
 * is shared by every screen that listens; each event is `{ type, ids }` (ticket.created,
 * ticket.updated, ticket.message, escalation.updated, notification.created, notification.read),
 * small on purpose: screens fetch what changed. When the stream fails (a proxy that buffers, a
 * browser without EventSource), screens fall back to polling until it is back.
 */

export const POLL_INTERVAL_MS = 15_000;
export const EVENTS_STREAM_PATH = '/api/v1/events/stream';

export const LIVE_EVENT_TYPES = ['ticket.created', 'ticket.updated', 'ticket.message', 'escalation.updated', 'notification.created', 'notification.read', 'hand.updated', 'hand.typing'] as const;

export interface LiveEvent {
  type: string;
  /** What changed: ticket ids for ticket.* (and notification.created), escalation ids for escalation.updated. */
  ids: string[];
  /** The ticket, for ticket.* events. */
  ticketId?: string;
}

type Listener = (e: LiveEvent) => void;
type StatusListener = (connected: boolean) => void;

/** The shared connection: opened with the first listener, closed with the last. */
const hub = {
  source: null as EventSource | null,
  listeners: new Set<Listener>(),
  statusListeners: new Set<StatusListener>(),
  connected: false,
};

export function parseLiveEvent(type: string, data: string): LiveEvent | null {
  try {
    const body = JSON.parse(data) as { type?: unknown; ids?: unknown };
    const ids = Array.isArray(body.ids) ? body.ids.filter((x): x is string => typeof x === 'string') : [];
    const t = typeof body.type === 'string' ? body.type : type;
    return { type: t, ids, ...(t.startsWith('ticket.') && ids[0] && { ticketId: ids[0] }) };
  } catch {
    return null;
  }
}

function setConnected(v: boolean): void {
  if (hub.connected === v) return;
  hub.connected = v;
  for (const l of hub.statusListeners) l(v);
}

function ensureSource(): void {
  if (hub.source || typeof EventSource === 'undefined') return;
  const source = new EventSource(EVENTS_STREAM_PATH, { withCredentials: true });
  hub.source = source;
  const dispatch = (m: MessageEvent<string>) => {
    const e = parseLiveEvent(m.type, m.data);
    if (e) for (const l of [...hub.listeners]) l(e);
  };
  for (const type of LIVE_EVENT_TYPES) source.addEventListener(type, dispatch as EventListener);
  source.onmessage = dispatch;
  source.onopen = () => setConnected(true);
  // EventSource reconnects by itself (the server asks for 3 s); meanwhile screens poll.
  source.onerror = () => setConnected(false);
}

function closeSourceIfUnused(): void {
  if (hub.listeners.size > 0 || !hub.source) return;
  hub.source.close();
  hub.source = null;
  setConnected(false);
}

/**
 * Subscribes to the live stream. Returns the unsubscribe function, or null when the browser
 * has no EventSource (then the caller polls). `onStatus` reports whether the stream is
 * currently connected, so the caller can poll while it is not.
 */
export function openEventStream(onEvent: Listener, onStatus?: StatusListener): (() => void) | null {
  if (typeof EventSource === 'undefined') return null;
  hub.listeners.add(onEvent);
  if (onStatus) hub.statusListeners.add(onStatus);
  ensureSource();
  onStatus?.(hub.connected);
  return () => {
    hub.listeners.delete(onEvent);
    if (onStatus) hub.statusListeners.delete(onStatus);
    closeSourceIfUnused();
  };
}

/** Closes the stream (on sign-out: the next listener reconnects with the new session). */
export function closeEventStream(): void {
  hub.source?.close();
  hub.source = null;
  setConnected(false);
}

/**
 * Calls `refresh` when something may have changed: on a live event that passes `filter`, and
 * whenever the tab becomes visible again. While the stream is down (or missing) it polls every
 * `intervalMs` instead; polling pauses while the tab is hidden. Bursts of events are coalesced.
 */
export function useLiveRefresh(refresh: () => void, opts: { intervalMs?: number; enabled?: boolean; filter?: (e: LiveEvent) => boolean } = {}): void {
  const { intervalMs = POLL_INTERVAL_MS, enabled = true, filter } = opts;
  const latest = useRef(refresh);
  const filterRef = useRef(filter);
  useEffect(() => {
    latest.current = refresh;
    filterRef.current = filter;
  });

  useEffect(() => {
    if (!enabled) return;
    let timer: number | undefined;
    let debounce: number | undefined;
    const tick = () => {
      if (document.visibilityState === 'visible') latest.current();
    };
    const startPolling = () => {
      if (timer === undefined) timer = window.setInterval(tick, intervalMs);
    };
    const stopPolling = () => {
      if (timer !== undefined) window.clearInterval(timer);
      timer = undefined;
    };
    let wasConnected: boolean | null = null;
    const close = openEventStream(
      (e) => {
        if (filterRef.current && !filterRef.current(e)) return;
        window.clearTimeout(debounce);
        debounce = window.setTimeout(() => latest.current(), 150);
      },
      (connected) => {
        if (connected) {
          stopPolling();
          // Events may have been missed while the stream was down.
          if (wasConnected === false) latest.current();
        } else startPolling();
        wasConnected = connected;
      },
    );
    if (!close) startPolling();
    const onVisible = () => {
      if (document.visibilityState === 'visible') latest.current();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      close?.();
      stopPolling();
      window.clearTimeout(debounce);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [enabled, intervalMs]);
}

/** Calls `fn` for every live event (no polling): for small indicators such as the notification bell. */
export function useLiveEvents(fn: Listener, enabled = true): void {
  const latest = useRef(fn);
  useEffect(() => {
    latest.current = fn;
  });
  useEffect(() => {
    if (!enabled) return;
    const close = openEventStream((e) => latest.current(e));
    return () => close?.();
  }, [enabled]);
}
