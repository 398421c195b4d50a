import { useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect } from 'react';
import { openEventStream, POLL_INTERVAL_MS, type LiveEvent } from './live.js';
import { qk } from './query-keys.js';

/**
 * What each live event makes stale. Screens never listen to the stream themselves: they read
 * queries, and the one subscription below invalidates the affected ones (active queries refetch
 * at once, the others when next shown). Add a resource's keys here when a new event concerns it.
 */
export function keysFor(e: LiveEvent): QueryKey[] {
  if (e.type.startsWith('ticket.')) return [qk.tickets.all, qk.awaitingReply.all, qk.customers.all, qk.views.counts(), qk.search.all, ['escalations', 'thread']];
  if (e.type.startsWith('escalation.')) return [qk.escalations.all, qk.awaitingReply.all, qk.notifications.all, qk.search.all, ['tickets', 'timeline']];
  if (e.type === 'notification.created') return [qk.notifications.all, qk.escalations.all];
  if (e.type.startsWith('notification.')) return [qk.notifications.all];
  // Without a patcher installed (features/hands/hands-api.ts), a hand event makes its hand and the active lists stale.
  if (e.type === 'hand.updated') return e.ids[0] ? [qk.hands.detail(e.ids[0]), qk.hands.list('open'), qk.hands.list('claimed')] : [qk.hands.floor(), qk.hands.call()];
  return [];
}

/**
 * A patcher handles one event type in place of keysFor: it may write the changed item into the
 * cache (setQueryData) and returns what else is stale. A feature installs it while mounted.
 */
export type LivePatcher = (qc: QueryClient, e: LiveEvent) => QueryKey[];
const patchers = new Map<string, LivePatcher>();
export function setLivePatcher(type: string, patcher: LivePatcher): () => void {
  patchers.set(type, patcher);
  return () => {
    if (patchers.get(type) === patcher) patchers.delete(type);
  };
}

/**
 * Mounted once for the signed-in console. Bursts of events are coalesced (150 ms); while the
 * stream is down (or the browser has none) active queries are refreshed every 15 s instead, and
 * everything active is refreshed when it comes back (events may have been missed).
 */
export function useLiveInvalidation(): void {
  const qc = useQueryClient();
  useEffect(() => startLiveInvalidation(qc), [qc]);
}

export function startLiveInvalidation(qc: QueryClient): () => void {
  let pending: QueryKey[] = [];
  let debounce: number | undefined;
  let timer: number | undefined;
  const flush = () => {
    const keys = pending;
    pending = [];
    const seen = new Set<string>();
    for (const queryKey of keys) {
      const id = JSON.stringify(queryKey);
      if (seen.has(id)) continue;
      seen.add(id);
      void qc.invalidateQueries({ queryKey });
    }
  };
  const refreshActive = () => {
    if (document.visibilityState === 'visible') void qc.invalidateQueries({ type: 'active' });
  };
  const startPolling = () => {
    if (timer === undefined) timer = window.setInterval(refreshActive, POLL_INTERVAL_MS);
  };
  const stopPolling = () => {
    if (timer !== undefined) window.clearInterval(timer);
    timer = undefined;
  };
  let wasConnected: boolean | null = null;
  const close = openEventStream(
    (e) => {
      const patcher = patchers.get(e.type);
      pending.push(...(patcher ? patcher(qc, e) : keysFor(e)));
      window.clearTimeout(debounce);
      debounce = window.setTimeout(flush, 150);
    },
    (connected) => {
      if (connected) {
        stopPolling();
        if (wasConnected === false) refreshActive();
      } else startPolling();
      wasConnected = connected;
    },
  );
  if (!close) startPolling();
  return () => {
    close?.();
    stopPolling();
    window.clearTimeout(debounce);
  };
}
