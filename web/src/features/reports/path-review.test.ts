import { describe, expect, it } from 'vitest';
import { csvHref, isoWeek, weeksBetween } from './PathReviewPage.js';

describe('path review helpers', () => {
  it('names ISO weeks as the reports do, across year ends', () => {
    expect(isoWeek('2026-01-01')).toBe('2026-W01');
    expect(isoWeek('2026-01-05')).toBe('2026-W02');
    expect(isoWeek('2026-01-04')).toBe('2026-W01');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(isoWeek('2026-12-07')).toBe('2026-W50');
  });

  it('lists every week a period touches, empty ones included', () => {
    expect(weeksBetween('2025-12-29', '2026-01-12')).toEqual(['2026-W01', '2026-W02', '2026-W03']);
    expect(weeksBetween('2026-01-07', '2026-01-07')).toEqual(['2026-W02']);
  });

  it('gives a table as UTF-8 CSV with a BOM and RFC 4180 quoting', () => {
    const href = csvHref(['週', 'Name'], [['2026-W02', 'a, "b"'], ['2026-W03', null]]);
    const text = decodeURIComponent(href.replace(/^data:text\/csv;charset=utf-8,/, ''));
    expect(text).toBe('\uFEFF週,Name\r\n2026-W02,"a, ""b"""\r\n2026-W03,\r\n');
  });
});
