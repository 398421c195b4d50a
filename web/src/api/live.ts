import { useEffect, useRef } from 'react';

/**
 * Live updates. Today the console polls; when the server offers the server-sent events stream
 * (GET /api/v1/events/stream, events such as `ticket.updated` with `{ ticketId }`), implement
 * `openEventStream` below and screens keep calling `useLiveRefresh` unchanged: they will simply
 * be told sooner.
 */

export const POLL_INTERVAL_MS = 15_000;
export const EVENTS_STREAM_PATH = '/api/v1/events/stream';

export interface LiveEvent {
  type: string;
  ticketId?: string;
}

/** Placeholder for the future SSE stream; returns null while the server has none. */
export function openEventStream(_onEvent: (e: LiveEvent) => void): (() => void) | null {
  // Future:
  //   const source = new EventSource(EVENTS_STREAM_PATH, { withCredentials: true });
  //   source.onmessage = (m) => _onEvent(JSON.parse(m.data) as LiveEvent);
  //   return () => source.close();
  return null;
}

/**
 * Calls `refresh` when something may have changed: on a live event (when the stream exists),
 * otherwise every `intervalMs`, and whenever the tab becomes visible again. Polling pauses
 * while the tab is hidden.
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
    const close = openEventStream((e) => {
      if (!filterRef.current || filterRef.current(e)) latest.current();
    });
    if (close) return close;
    const tick = () => {
      if (document.visibilityState === 'visible') latest.current();
    };
    const timer = window.setInterval(tick, intervalMs);
    const onVisible = () => {
      if (document.visibilityState === 'visible') latest.current();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [enabled, intervalMs]);
}
