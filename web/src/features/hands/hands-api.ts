/**
 * Data of raise a hand for the console: the server's shapes (types only, from its presenters)
 * and one TanStack Query hook per resource. A hand.updated live event names the hand that
 * changed: that one hand is fetched once and patched into the cached lists and its detail
 * (setQueryData), so no list is refetched on a message or a claim; the floor and the caller
 * refetch only when a hand changed state or an event names no hand (availability, calls).
 * hand.typing says who types in a thread (ids: [handId, userId]).
 */
import { useQuery, type QueryClient, type QueryKey, type UseQueryResult } from '@tanstack/react-query';
import type { Static } from '@sinclair/typebox';
import { useCallback, useEffect, useState } from 'react';
import type { HandDetailView, HandEventView, HandView, FloorView, CallView } from '../../../../src/modules/hands/hands.presenter.js';
import type { HandsConfig } from '../../../../src/modules/hands/hands.types.js';
import { ApiError, type ApiClient } from '../../api/client.js';
import { openEventStream, type LiveEvent } from '../../api/live.js';
import { setLivePatcher } from '../../api/live-invalidation.js';
import { qk } from '../../api/query-keys.js';

export type Hand = HandView;
export type HandEvent = HandEventView;
export type HandDetail = Static<typeof HandDetailView>;
export type Floor = Static<typeof FloorView>;
export type Call = CallView;
export type { HandsConfig };

export const SUPERVISING = ['supervisor', 'manager', 'admin'];
type ListState = 'open' | 'claimed' | 'closed';
const LIST_STATES: ListState[] = ['open', 'claimed', 'closed'];
const listParams = (state: ListState) => (state === 'closed' ? { state, limit: 200 } : { state });

/** The shape the screens read: data (null until the first answer), the error, and a reload. */
const shaped = <T>(q: UseQueryResult<T>): { data: T | null; error: unknown; reload: () => void } => ({ data: q.data ?? null, error: q.error, reload: () => void q.refetch() });

function useHandList(client: ApiClient, state: ListState, enabled = true) {
  return useQuery({ queryKey: qk.hands.list(state), queryFn: ({ signal }) => client.get<{ items: Hand[] }>('/api/v1/hands', listParams(state), signal).then((r) => r.items), enabled });
}

/** Open and claimed hands (supervisors: all of them; operators: their own). */
export function useActiveHands(client: ApiClient, enabled = true) {
  const open = useHandList(client, 'open', enabled);
  const claimed = useHandList(client, 'claimed', enabled);
  const data = open.data && claimed.data ? { open: open.data, claimed: claimed.data } : null;
  return { data, error: open.error ?? claimed.error, reload: () => void Promise.all([open.refetch(), claimed.refetch()]) };
}

/** Closed hands (the wallboard's today figures). */
export function useClosedHands(client: ApiClient) {
  return shaped(useHandList(client, 'closed'));
}

export function useHandDetail(client: ApiClient, id: string | null) {
  return shaped(useQuery({ queryKey: qk.hands.detail(id ?? ''), queryFn: ({ signal }) => client.get<HandDetail>(`/api/v1/hands/${id}`, undefined, signal), enabled: id !== null }));
}

export function useFloor(client: ApiClient) {
  return shaped(useQuery({ queryKey: qk.hands.floor(), queryFn: ({ signal }) => client.get<Floor>('/api/v1/hands/floor', undefined, signal) }));
}

export function useHandsConfig(client: ApiClient) {
  return useQuery({ queryKey: qk.hands.config(), queryFn: ({ signal }) => client.get<HandsConfig>('/api/v1/hands/config', undefined, signal), staleTime: 60_000 }).data ?? null;
}

export function useMyCall(client: ApiClient) {
  return shaped(useQuery({ queryKey: qk.hands.call(), queryFn: ({ signal }) => client.get<Call>('/api/v1/me/call', undefined, signal) }));
}

/** Puts one hand, as it is now, into the cached lists: out of the lists of other states, into (or replaced in) its own. */
export function patchHandLists(qc: QueryClient, hand: Hand | null, id: string): { stateChanged: boolean } {
  let before: string | null = null;
  for (const state of LIST_STATES) {
    qc.setQueryData<Hand[]>(qk.hands.list(state), (items) => {
      if (!items) return items;
      const at = items.findIndex((h) => h.id === id);
      if (at >= 0) before = items[at]!.state;
      if (!hand || hand.state !== state) return at >= 0 ? items.filter((h) => h.id !== id) : items;
      if (at >= 0) return items.map((h) => (h.id === id ? hand : h));
      // Open and claimed lists are oldest first; the closed list newest first.
      return state === 'closed' ? [hand, ...items] : [...items, hand].sort((a, b) => a.raisedAt.localeCompare(b.raisedAt));
    });
  }
  return { stateChanged: before !== (hand?.state ?? null) };
}

/**
 * Installs the hand.updated patcher for this signed-in console (mounted once, by HandsLayer):
 * the changed hand is fetched once (concurrent events for it share the request) and patched in.
 * A hand this person may not see (403/404) leaves their lists.
 */
export function useHandLivePatch(client: ApiClient, supervising: boolean) {
  useEffect(
    () =>
      setLivePatcher('hand.updated', (qc: QueryClient, e: LiveEvent): QueryKey[] => {
        const id = e.ids[0];
        if (!id) return [qk.hands.floor(), qk.hands.call()];
        // Operators hear only of their own hands: others' do not concern their lists.
        const known = LIST_STATES.some((s) => qc.getQueryData<Hand[]>(qk.hands.list(s))?.some((h) => h.id === id)) || qc.getQueryData(qk.hands.detail(id)) !== undefined;
        if (!supervising && !known) return [];
        void qc
          .fetchQuery({ queryKey: qk.hands.detail(id), queryFn: ({ signal }) => client.get<HandDetail>(`/api/v1/hands/${id}`, undefined, signal), staleTime: 0 })
          .then((d) => patchHandLists(qc, d.hand, id))
          .catch((err: unknown) => (err instanceof ApiError && (err.status === 403 || err.status === 404) ? patchHandLists(qc, null, id) : { stateChanged: true }))
          .then((r) => {
            if (r.stateChanged) void qc.invalidateQueries({ queryKey: qk.hands.floor() });
          });
        return [];
      }),
    [client, supervising],
  );
}

/** Who else types in this hand's thread now (cleared 4 s after their last keystroke). */
export function useTyping(handId: string | null, me: string): string | null {
  const [typist, setTypist] = useState<string | null>(null);
  useEffect(() => {
    if (!handId) return;
    let timer: number | undefined;
    const close = openEventStream((e) => {
      if (e.type !== 'hand.typing' || e.ids[0] !== handId || e.ids[1] === me) return;
      setTypist(e.ids[1] ?? null);
      window.clearTimeout(timer);
      timer = window.setTimeout(() => setTypist(null), 4000);
    });
    return () => {
      window.clearTimeout(timer);
      close?.();
    };
  }, [handId, me]);
  return typist;
}

/** Seconds since `fromIso` (until `untilIso` when given), re-rendered every second. */
export function useTicking(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, []);
  return now;
}

export const secondsBetween = (fromIso: string, untilIso: string | null, now: number): number => Math.max(0, Math.floor(((untilIso ? Date.parse(untilIso) : now) - Date.parse(fromIso)) / 1000));

export function formatHold(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

/** Sound and desktop notification toggles, remembered on this browser. */
export function useToggle(key: string, initial: boolean): [boolean, (v: boolean) => void] {
  const [v, setV] = useState<boolean>(() => {
    try {
      const s = globalThis.localStorage?.getItem(key);
      return s === null || s === undefined ? initial : s === '1';
    } catch {
      return initial;
    }
  });
  const set = useCallback(
    (next: boolean) => {
      setV(next);
      try {
        globalThis.localStorage?.setItem(key, next ? '1' : '0');
      } catch {
        /* private mode */
      }
    },
    [key],
  );
  return [v, set];
}

/** A short two-tone chime (no audio file to load). */
export function chime(): void {
  try {
    const Ctx = (globalThis as unknown as { AudioContext?: typeof AudioContext }).AudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    [880, 1320].forEach((freq, i) => {
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      o.frequency.value = freq;
      g.gain.setValueAtTime(0.15, ctx.currentTime + i * 0.15);
      g.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + i * 0.15 + 0.3);
      o.connect(g).connect(ctx.destination);
      o.start(ctx.currentTime + i * 0.15);
      o.stop(ctx.currentTime + i * 0.15 + 0.3);
    });
    window.setTimeout(() => void ctx.close(), 1000);
  } catch {
    /* no audio */
  }
}
