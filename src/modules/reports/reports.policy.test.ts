import { describe, expect, it } from 'vitest';
import { compileCalendar, TWENTY_FOUR_SEVEN } from '../calendars/index.js';
import {
  backlogSeries,
  csat,
  dayEnds,
  daysOf,
  durationSpread,
  durationStats,
  elapsedPercent,
  escalationRate,
  isoWeekOf,
  isReassignment,
  levelShares,
  nearingBucket,
  newFacts,
  onMessage,
  onStatus,
  overdueSeries,
  quantile,
  ratingOfScore,
  slaAchievement,
  ticketQuality,
  warningsHeeded,
  type EscalationRow,
  type MessageFact,
} from './reports.policy.js';

const at = (iso: string) => Date.parse(iso);
const H = 3_600_000;
const nineToSix: [string, string][] = [['09:00', '18:00']];
// Tokyo, weekdays 09:00–18:00, Japanese public holidays closed.
const tokyo = compileCalendar({
  timezone: 'Asia/Tokyo',
  weekly: { mon: nineToSix, tue: nineToSix, wed: nineToSix, thu: nineToSix, fri: nineToSix, sat: [], sun: [] },
  holidayPresets: ['jp'],
});
const msg = (iso: string, p: Partial<MessageFact> = {}): MessageFact => ({ at: at(iso), authorType: 'user', visibility: 'public', automatic: false, initial: false, ...p });

describe('quantiles (nearest rank)', () => {
  it('gives the median and p90 of known values', () => {
    const v = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect(quantile(v, 0.5)).toBe(5);
    expect(quantile(v, 0.9)).toBe(9);
    expect(quantile([42], 0.9)).toBe(42);
    expect(quantile([], 0.5)).toBeNull();
    expect(durationStats([3, 1, 2])).toEqual({ count: 3, median: 2, p90: 3 });
    expect(durationSpread([10, 1, 9, 2, 8, 3, 7, 4, 6, 5, 100])).toEqual({ p50: 6, p90: 10, max: 100 });
    expect(durationSpread([])).toEqual({ p50: null, p90: null, max: null });
  });
});

describe('first and next response, business and wall clock', () => {
  it('counts a reply on Monday to a Friday-evening ticket as 1 business hour across the weekend', () => {
    // Friday 2026-01-09 17:00 JST → Monday 2026-01-12 is 成人の日 (a holiday) → Tuesday 10:00 JST.
    const created = at('2026-01-09T08:00:00Z'); // Fri 17:00 JST
    const f = newFacts(created, 'new');
    const { facts } = onMessage(f, msg('2026-01-13T01:00:00Z'), tokyo); // Tue 10:00 JST
    expect(facts.firstResponseMs).toBe(at('2026-01-13T01:00:00Z') - created); // 3 days 17 hours
    expect(facts.firstResponseMs).toBe(89 * H);
    // Business: Fri 17–18 (1 h) + Tue 9–10 (1 h); Sat, Sun and the holiday Monday are closed.
    expect(facts.firstResponseBizMs).toBe(2 * H);
  });

  it('ignores notes, automatic and system messages; a customer follow-up starts a next response', () => {
    const f0 = newFacts(at('2026-01-05T00:00:00Z'), 'new'); // Mon 09:00 JST
    let f = onMessage(f0, msg('2026-01-05T00:10:00Z', { visibility: 'internal' }), tokyo).facts;
    f = onMessage(f, msg('2026-01-05T00:11:00Z', { automatic: true }), tokyo).facts;
    f = onMessage(f, msg('2026-01-05T00:12:00Z', { authorType: 'system' }), tokyo).facts;
    expect(f.firstResponseAt).toBeNull();
    f = onMessage(f, msg('2026-01-05T00:30:00Z'), tokyo).facts;
    expect(f.firstResponseBizMs).toBe(30 * 60_000);
    // Customer writes Fri 17:30 JST and again Sat; the agent answers Mon 09:30 JST.
    f = onMessage(f, msg('2026-01-09T08:30:00Z', { authorType: 'customer' }), tokyo).facts;
    f = onMessage(f, msg('2026-01-10T02:00:00Z', { authorType: 'customer' }), tokyo).facts;
    expect(f.awaitingSince).toBe(at('2026-01-09T08:30:00Z'));
    const r = onMessage(f, msg('2026-01-13T00:30:00Z'), tokyo); // Tue (Mon 12th is a holiday)
    expect(r.response).toEqual({ askedAt: at('2026-01-09T08:30:00Z'), answeredAt: at('2026-01-13T00:30:00Z'), wallMs: 88 * H, bizMs: 60 * 60_000 });
    expect(r.facts.awaitingSince).toBeNull();
    // A second agent message with nothing to answer is no response.
    expect(onMessage(r.facts, msg('2026-01-13T01:00:00Z'), tokyo).response).toBeNull();
  });
});

describe('resolution, reopens, reassignments', () => {
  it('measures to the latest solve and counts reopens', () => {
    const created = at('2026-01-09T08:00:00Z'); // Fri 17:00 JST
    let f = newFacts(created, 'new');
    f = onStatus(f, 'solved', at('2026-01-13T01:00:00Z'), tokyo);
    expect(f.resolutionBizMs).toBe(2 * H);
    f = onStatus(f, 'open', at('2026-01-13T02:00:00Z'), tokyo);
    expect(f.reopens).toBe(1);
    f = onStatus(f, 'closed', at('2026-01-13T05:00:00Z'), tokyo); // 14:00 JST
    expect(f.resolutionBizMs).toBe(6 * H);
    expect(f.resolutionMs).toBe(93 * H);
    expect(f.firstSolvedAt).toBe(at('2026-01-13T01:00:00Z'));
    expect(onStatus(f, 'closed', at('2026-01-14T00:00:00Z'), tokyo).reopens).toBe(1);
    expect(isReassignment(null, 't1')).toBe(false);
    expect(isReassignment('t1', 't2')).toBe(true);
    expect(isReassignment('t1', null)).toBe(true);
  });

  it('computes reopen rate and first-contact resolution', () => {
    const row = (reopens: number, escalations: number, reassignments: number) => ({ id: 'x', created_at: 0, solved_at: 1, first_solved_at: 1, reopens, escalations, reassignments });
    expect(ticketQuality([row(0, 0, 0), row(1, 0, 0), row(0, 1, 0), row(0, 0, 2)])).toEqual({ solved: 4, reopened: 1, reopenRate: 25, firstContact: 2, firstContactRate: 50 });
    expect(ticketQuality([]).reopenRate).toBeNull();
  });
});

describe('days and series', () => {
  it('cuts days in the calendar zone and ends them at local midnight', () => {
    const from = at('2026-01-04T15:00:00Z'); // Mon 00:00 JST
    const to = at('2026-01-07T15:00:00Z'); // Thu 00:00 JST
    expect(daysOf(tokyo, from, to)).toEqual(['2026-01-05', '2026-01-06', '2026-01-07']);
    expect(dayEnds(tokyo, from, to).map((d) => d.endMs)).toEqual([at('2026-01-05T15:00:00Z'), at('2026-01-06T15:00:00Z'), at('2026-01-07T15:00:00Z')]);
    expect(isoWeekOf('2026-01-01')).toBe('2026-W01');
    expect(isoWeekOf('2026-01-05')).toBe('2026-W02');
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53');
  });

  it('builds the backlog from the starting backlog, creations and solves', () => {
    const ends = dayEnds(TWENTY_FOUR_SEVEN, at('2026-01-05T00:00:00Z'), at('2026-01-08T00:00:00Z'));
    const s = backlogSeries(10, ends, [at('2026-01-05T01:00:00Z'), at('2026-01-05T02:00:00Z'), at('2026-01-07T02:00:00Z')], [at('2026-01-06T02:00:00Z')]);
    expect(s).toEqual([
      { day: '2026-01-05', created: 2, solved: 0, backlog: 12 },
      { day: '2026-01-06', created: 0, solved: 1, backlog: 11 },
      { day: '2026-01-07', created: 1, solved: 0, backlog: 12 },
    ]);
  });

  it('counts escalations overdue at the end of each day', () => {
    const e = (id: string, p: Partial<EscalationRow>): EscalationRow => ({ id, ticket_id: 't', status: 'requested', stage: 'level', level_index: 0, requested_at: at('2026-01-05T00:00:00Z'), ack_due_at: at('2026-01-05T01:00:00Z'), acknowledged_at: null, finished_at: null, ...p });
    const rows = [
      e('open', {}),
      e('acked-day2', { acknowledged_at: at('2026-01-06T03:00:00Z') }),
      e('in-time', { acknowledged_at: at('2026-01-05T00:30:00Z') }),
      e('no-deadline', { ack_due_at: null }),
      e('cancelled', { finished_at: at('2026-01-05T12:00:00Z'), status: 'cancelled' }),
    ];
    const ends = dayEnds(TWENTY_FOUR_SEVEN, at('2026-01-05T00:00:00Z'), at('2026-01-07T00:00:00Z'));
    expect(overdueSeries(rows, ends).map((d) => [d.day, d.ids])).toEqual([
      ['2026-01-05', ['open', 'acked-day2']],
      ['2026-01-06', ['open']],
    ]);
  });
});

describe('escalation metrics', () => {
  it('rates and level shares', () => {
    expect(escalationRate(3, 40)).toBe(7.5);
    expect(escalationRate(1, 0)).toBeNull();
    const r = (stage: string, level_index: number) => ({ stage, level_index });
    expect(levelShares([r('level', 0), r('level', 1), r('level', 2), r('fallback', 3)])).toEqual({ level2: 75, level3: 50, fallback: 25 });
  });
});

describe('SLA metrics', () => {
  it('achievement counts a clock met after its breach as breached', () => {
    expect(slaAchievement([{ met_at: 1, breached_at: null }, { met_at: 5, breached_at: 3 }, { met_at: null, breached_at: 2 }, { met_at: 1, breached_at: null }])).toEqual({ ended: 4, achieved: 2, breached: 2, achievement: 50 });
    expect(warningsHeeded([{ met_at: 1, breached_at: null }, { met_at: null, breached_at: 2 }, { met_at: null, breached_at: null }])).toEqual({ warned: 3, heeded: 1, rate: 33.3 });
  });

  it('puts open clocks in the nearing buckets on their business calendar', () => {
    expect([49.9, 50, 75, 75.5, 85, 86, 95, 95.1, 130].map(nearingBucket)).toEqual([null, '50-75', '50-75', '76-85', '76-85', '86-95', '86-95', '>95', '>95']);
    // 4 business hours target; started Fri 16:00 JST, now Tue 10:00 JST (Mon is a holiday): 2 + 1 = 3 h = 75 %.
    const clock = { target_seconds: 4 * 3600, consumed_ms: 0, segment_started_at: at('2026-01-09T07:00:00Z'), state: 'running' };
    expect(elapsedPercent(clock, at('2026-01-13T01:00:00Z'), tokyo)).toBe(75);
    expect(elapsedPercent({ ...clock, state: 'paused', consumed_ms: 3.6 * H }, at('2026-01-13T01:00:00Z'), tokyo)).toBe(90);
  });
});

describe('CSAT', () => {
  it('response rate and good / (good + bad)', () => {
    expect(csat([{ sent: true, rating: 'good' }, { sent: true, rating: 'good' }, { sent: true, rating: 'bad' }, { sent: true, rating: null }])).toEqual({ sent: 4, rated: 3, good: 2, bad: 1, responseRate: 75, csat: 66.7 });
    expect(csat([]).csat).toBeNull();
    expect([1, 2, 3, 4, 5].map(ratingOfScore)).toEqual(['bad', 'bad', 'bad', 'good', 'good']);
  });
});
