/**
 * Data of raise a hand for the console: the server's shapes (types only, from its presenters)
 * and one small hook per screen. Everything refreshes on the live stream's hand.updated;
 * hand.typing says who types in a thread (ids: [handId, userId]).
 */
import type { Static } from '@sinclair/typebox';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { HandDetailView, HandEventView, HandView, FloorView, CallView } from '../../../../src/modules/hands/hands.presenter.js';
import type { HandsConfig } from '../../../../src/modules/hands/hands.types.js';
import type { ApiClient } from '../../api/client.js';
import { isAbort } from '../../api/client.js';
import { openEventStream, useLiveRefresh, type LiveEvent } from '../../api/live.js';

export type Hand = HandView;
export type HandEvent = HandEventView;
export type HandDetail = Static<typeof HandDetailView>;
export type Floor = Static<typeof FloorView>;
export type Call = CallView;
export type { HandsConfig };

export const SUPERVISING = ['supervisor', 'manager', 'admin'];
const isHandEvent = (e: { type: string }) => e.type === 'hand.updated';

/** Loads with `fetcher` now, again on every hand.updated event (coalesced), and while the stream is down by polling. */
function useLiveLoad<T>(fetcher: (signal: AbortSignal) => Promise<T>, deps: unknown[], enabled = true, only?: (e: LiveEvent) => boolean) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const ref = useRef(fetcher);
  ref.current = fetcher;
  useEffect(() => {
    if (!enabled) return;
    const ctl = new AbortController();
    ref
      .current(ctl.signal)
      .then((d) => {
        if (!ctl.signal.aborted) {
          setData(d);
          setError(null);
        }
      })
      .catch((e: unknown) => {
        if (!isAbort(e) && !ctl.signal.aborted) setError(e);
      });
    return () => ctl.abort();
  }, [generation, enabled, ...deps]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useLiveRefresh(reload, { filter: (e) => isHandEvent(e) && (!only || only(e)), enabled, intervalMs: 5000 });
  return { data, error, reload };
}

/**
 * Open and claimed hands (supervisors: all of them; operators: their own). `only` narrows the
 * live events that refetch (an operator listens to their own hands, not the whole floor's).
 */
export function useActiveHands(client: ApiClient, enabled = true, only?: (e: LiveEvent) => boolean) {
  return useLiveLoad(
    async (signal) => {
      const [open, claimed] = await Promise.all([
        client.get<{ items: Hand[] }>('/api/v1/hands', { state: 'open' }, signal),
        client.get<{ items: Hand[] }>('/api/v1/hands', { state: 'claimed' }, signal),
      ]);
      return { open: open.items, claimed: claimed.items };
    },
    [client],
    enabled,
    only,
  );
}

/** Closed hands (the wallboard's today figures). */
export function useClosedHands(client: ApiClient) {
  return useLiveLoad((signal) => client.get<{ items: Hand[] }>('/api/v1/hands', { state: 'closed', limit: 200 }, signal).then((r) => r.items), [client]);
}

export function useHandDetail(client: ApiClient, id: string | null) {
  return useLiveLoad((signal) => (id ? client.get<HandDetail>(`/api/v1/hands/${id}`, undefined, signal) : Promise.resolve(null)), [client, id], id !== null, (e) => e.ids[0] === id);
}

export function useFloor(client: ApiClient) {
  return useLiveLoad((signal) => client.get<Floor>('/api/v1/hands/floor', undefined, signal), [client]);
}

export function useHandsConfig(client: ApiClient) {
  const [config, setConfig] = useState<HandsConfig | null>(null);
  useEffect(() => {
    let live = true;
    client
      .get<HandsConfig>('/api/v1/hands/config')
      .then((c) => live && setConfig(c))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [client]);
  return config;
}

export function useMyCall(client: ApiClient) {
  return useLiveLoad((signal) => client.get<Call>('/api/v1/me/call', undefined, signal), [client]);
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
