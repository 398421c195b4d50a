/** Dates and times are always shown in the signed-in user's time zone and language. */

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: string, timeZone: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${JSON.stringify(opts)}`;
  let f = cache.get(key);
  if (!f) {
    const locale = lang === 'ja' ? 'ja-JP' : 'en-GB';
    try {
      f = new Intl.DateTimeFormat(locale, { ...opts, timeZone });
    } catch {
      // an unknown time zone name: fall back to UTC rather than failing the screen
      f = new Intl.DateTimeFormat(locale, { ...opts, timeZone: 'UTC', timeZoneName: 'short' });
    }
    cache.set(key, f);
  }
  return f;
}

export function formatDateTime(iso: string | null | undefined, lang: string, timeZone: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return formatter(lang, timeZone, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

/** The calendar date in the reader's zone ("2026/12/8", "12/8/2026"). */
export function formatDate(iso: string | null | undefined, lang: string, timeZone: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return formatter(lang, timeZone, { year: 'numeric', month: 'numeric', day: 'numeric' }).format(d);
}

export function formatTime(date: Date, lang: string, timeZone: string): string {
  return formatter(lang, timeZone, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(date);
}

/** The zone's short name in the reader's language ("JST", "PST", "GMT+9"), or the IANA name when the browser has none. */
export function shortZoneName(lang: string, timeZone: string, at: Date = new Date()): string {
  try {
    const part = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-US', { timeZone, timeZoneName: 'short' }).formatToParts(at).find((p) => p.type === 'timeZoneName');
    return part?.value ?? timeZone;
  } catch {
    return timeZone;
  }
}

/** "3 hours ago" / "3 時間前"; `now` is passed in so tests and renders agree. */
export function formatRelative(iso: string, lang: string, now: number): string {
  const diffSec = (new Date(iso).getTime() - now) / 1000;
  const rtf = new Intl.RelativeTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { numeric: 'auto' });
  const abs = Math.abs(diffSec);
  if (abs < 60) return rtf.format(Math.round(diffSec), 'second');
  if (abs < 3600) return rtf.format(Math.round(diffSec / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(diffSec / 3600), 'hour');
  if (abs < 30 * 86_400) return rtf.format(Math.round(diffSec / 86_400), 'day');
  return rtf.format(Math.round(diffSec / (30 * 86_400)), 'month');
}

/** Every IANA zone the browser knows, with the user's current one first if missing. */
export function timeZones(current: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = ['Asia/Tokyo', 'UTC', 'America/New_York', 'America/Los_Angeles', 'Europe/London'];
  }
  if (!zones.includes('UTC')) zones = ['UTC', ...zones];
  return zones.includes(current) ? zones : [current, ...zones];
}

export const parseTags = (text: string): string[] =>
  [...new Set(text.split(/[,、，]/).map((s) => s.trim()).filter(Boolean))];
