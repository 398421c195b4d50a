/**
 * Data of the hands report screen: the server's shape (types only, from its presenter), the
 * period in the URL (from/to as calendar days in the reader's time zone, both included) and
 * the TanStack Query hook.
 */
import { useQuery } from '@tanstack/react-query';
import type { Static } from '@sinclair/typebox';
import type { HandsReportView } from '../../../../src/modules/hands/hands.presenter.js';
import type { ApiClient } from '../../api/client.js';
import { qk } from '../../api/query-keys.js';

export type HandsReport = Static<typeof HandsReportView>;
export type HandsReportGroup = HandsReport['byTeam'][number];
export type Spread = HandsReport['secondsToClaim'];

const DAY = 86_400_000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function dayIn(ms: number, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(ms);
  } catch {
    return new Date(ms).toISOString().slice(0, 10);
  }
}

/** Minutes the zone is ahead of UTC at an instant. */
function offsetMinutes(ms: number, timeZone: string): number {
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      })
        .formatToParts(ms)
        .map((p) => [p.type, p.value]),
    );
    const asUtc = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
    );
    return Math.round((asUtc - Math.floor(ms / 60_000) * 60_000) / 60_000);
  } catch {
    return 0;
  }
}

/** The instant a calendar day starts in a time zone. */
export function startOfDay(day: string, timeZone: string): number {
  const utc = Date.parse(`${day}T00:00:00Z`);
  const first = utc - offsetMinutes(utc, timeZone) * 60_000;
  // Once more at the guess: a change of offset (summer time) between the two instants.
  return utc - offsetMinutes(first, timeZone) * 60_000;
}

/** The period the screen shows: the URL's days, else the last 7 days (today included). */
export function periodOf(
  search: { from?: string; to?: string },
  timeZone: string,
  now = Date.now(),
): { from: string; to: string } {
  const to = search.to && DAY_RE.test(search.to) ? search.to : dayIn(now, timeZone);
  const from =
    search.from && DAY_RE.test(search.from)
      ? search.from
      : dayIn(Date.parse(`${to}T12:00:00Z`) - 6 * DAY, 'UTC');
  return { from, to };
}

/** The instants the server is asked for: the start of `from` to the start of the day after `to`. */
export function periodQuery(
  period: { from: string; to: string },
  timeZone: string,
): { from: string; to: string } {
  const next = dayIn(Date.parse(`${period.to}T12:00:00Z`) + DAY, 'UTC');
  return {
    from: new Date(startOfDay(period.from, timeZone)).toISOString(),
    to: new Date(startOfDay(next, timeZone)).toISOString(),
  };
}

export function useHandsReport(client: ApiClient, query: { from: string; to: string }, enabled: boolean) {
  return useQuery({
    queryKey: qk.hands.report(query),
    queryFn: ({ signal }) => client.get<HandsReport>('/api/v1/hands/report', query, signal),
    enabled,
  });
}
