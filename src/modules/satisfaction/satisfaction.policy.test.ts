import { describe, expect, it } from 'vitest';
import { hashToken, linkUsable, parseRating, surveyDecision, type SurveyFacts } from './satisfaction.policy.js';

const base: SurveyFacts = { ticketStatus: 'solved', tags: [], email: 'a@example.jp', erased: false, bouncing: false, automated: false, lastSentToCustomerAt: null };
const DAY = 86_400_000;

describe('survey decision', () => {
  it('sends for a solved ticket of a reachable person', () => {
    expect(surveyDecision(base, 100 * DAY, 30)).toBe('send');
    expect(surveyDecision({ ...base, ticketStatus: 'closed' }, 100 * DAY, 30)).toBe('send');
  });
  it('waits while reopened; never for spam, merged, mass-resolved, machines, bounces, erased or missing addresses', () => {
    expect(surveyDecision({ ...base, ticketStatus: 'open' }, 0, 30)).toBe('wait');
    expect(surveyDecision({ ...base, tags: ['SPAM'] }, 0, 30)).toBe('spam');
    expect(surveyDecision({ ...base, tags: ['merged'] }, 0, 30)).toBe('merged');
    expect(surveyDecision({ ...base, merged: true }, 0, 30)).toBe('merged');
    expect(surveyDecision({ ...base, massResolved: true }, 0, 30)).toBe('major_incident');
    expect(surveyDecision({ ...base, tags: ['incident:mass_resolved'] }, 0, 30)).toBe('major_incident');
    expect(surveyDecision({ ...base, automated: true }, 0, 30)).toBe('automated');
    expect(surveyDecision({ ...base, bouncing: true }, 0, 30)).toBe('bouncing');
    expect(surveyDecision({ ...base, erased: true }, 0, 30)).toBe('erased');
    expect(surveyDecision({ ...base, email: null }, 0, 30)).toBe('no_address');
  });
  it('applies the fatigue window per customer', () => {
    expect(surveyDecision({ ...base, lastSentToCustomerAt: 80 * DAY }, 100 * DAY, 30)).toBe('fatigue');
    expect(surveyDecision({ ...base, lastSentToCustomerAt: 70 * DAY }, 100 * DAY, 30)).toBe('send');
  });
});

describe('ratings and links', () => {
  it('maps 1–5 to good from 4', () => {
    expect(parseRating(undefined, '5')).toEqual({ rating: 'good', score: 5 });
    expect(parseRating('good', 3)).toEqual({ rating: 'bad', score: 3 });
    expect(parseRating('bad', undefined)).toEqual({ rating: 'bad', score: null });
    expect(parseRating('meh', '9')).toBeNull();
  });
  it('expires and is single-use', () => {
    expect(linkUsable({ state: 'sent', expires_at: 10 }, 5)).toBe('ok');
    expect(linkUsable({ state: 'sent', expires_at: 10 }, 10)).toBe('expired');
    expect(linkUsable({ state: 'rated', expires_at: 10 }, 5)).toBe('used');
    expect(hashToken('x')).toHaveLength(64);
  });
});
