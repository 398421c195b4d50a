import { describe, expect, it } from 'vitest';
import { parseLiveEvent } from '../../api/live.js';
import { atRiskRows } from '../queues/AtRiskList.js';
import type { Ticket } from '../../api/types.js';
import { cleanBrief, missingFields } from './brief.js';
import type { Brief } from './types.js';

const brief = (over: Partial<Brief> = {}): Brief => ({
  category: '',
  ask: '',
  concern: '',
  tried: '',
  environment: '',
  background: '',
  customerTemperature: 'calm',
  impact: { scope: 'this_customer', revenueRisk: false, legalRisk: false, note: '' },
  links: [],
  ...over,
});

describe('the brief, checked before sending (mirrors the server)', () => {
  it('names empty required fields; impact counts once it says more than the default', () => {
    expect(missingFields(brief({ ask: '  ' }), ['ask', 'tried', 'customerTemperature'])).toEqual(['ask', 'tried']);
    expect(missingFields(brief(), ['impact', 'links'])).toEqual(['impact', 'links']);
    expect(missingFields(brief({ impact: { scope: 'this_customer', revenueRisk: true, legalRisk: false, note: '' }, links: [{ url: 'https://x', label: '' }] }), ['impact', 'links'])).toEqual([]);
  });
  it('drops links without a URL and trims text', () => {
    expect(cleanBrief(brief({ ask: ' a ', links: [{ url: ' ', label: 'x' }, { url: ' https://e ', label: ' l ' }] }))).toMatchObject({ ask: 'a', links: [{ url: 'https://e', label: 'l' }] });
  });
});

describe('live events and SLA at risk', () => {
  it('parses the stream payload and tolerates junk', () => {
    expect(parseLiveEvent('ticket.created', '{"type":"ticket.created","ids":["t1"]}')).toEqual({ type: 'ticket.created', ids: ['t1'], ticketId: 't1' });
    expect(parseLiveEvent('escalation.updated', '{"type":"escalation.updated","ids":["e1"]}')).toEqual({ type: 'escalation.updated', ids: ['e1'] });
    expect(parseLiveEvent('message', 'not json')).toBeNull();
  });
  it('lists breached clocks first, then running clocks by time left, within the window only', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const clock = (id: string, state: string, dueInSeconds: number) => ({ id, kind: 'first_response', state, dueAt: new Date(now + dueInSeconds * 1000).toISOString(), remainingSeconds: dueInSeconds, targetSeconds: 7200, calendarId: null, policyId: 'p', policyName: 'P', startedAt: new Date(now).toISOString(), metAt: null, breachedAt: null });
    const ticket = (id: string, clocks: unknown[]) => ({ id, slaClocks: clocks }) as unknown as Ticket;
    const rows = atRiskRows([ticket('a', [clock('late', 'running', 600), clock('far', 'running', 7200)]), ticket('b', [clock('soon', 'running', 60), clock('gone', 'breached', -5)]), ticket('c', [clock('p', 'paused', 30)])], now, now);
    expect(rows.map((r) => r.clock.id)).toEqual(['gone', 'soon', 'late']);
  });
});
