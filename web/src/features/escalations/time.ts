import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';

/** The current time, re-rendering every `intervalMs` (countdowns tick every second). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** "1h 05m 09s" / "1時間5分9秒": the two largest units, seconds under an hour. */
export function formatDuration(totalSeconds: number, t: TFunction, lang: string): string {
  const s = Math.max(0, Math.floor(Math.abs(totalSeconds)));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const part = (unit: 'd' | 'h' | 'm' | 's', count: number) => t(`agent.duration.${unit}`, { count });
  const sep = lang === 'ja' ? '' : ' ';
  if (d > 0) return [part('d', d), h ? part('h', h) : ''].filter(Boolean).join(sep);
  if (h > 0) return [part('h', h), m ? part('m', m) : ''].filter(Boolean).join(sep);
  if (m > 0) return [part('m', m), part('s', sec)].join(sep);
  return part('s', sec);
}
