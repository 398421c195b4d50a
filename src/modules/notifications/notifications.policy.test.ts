import { describe, expect, it } from 'vitest';
import { channelsFor, DEFAULT_PREFERENCES, groupedDueAt, isStillRelevant, normaliseIntent, passesQuietHours, quietHoursEnd, templateEventOf } from './notifications.policy.js';

const tokyo = (iso: string) => Date.parse(`${iso}+09:00`);

describe('channelsFor', () => {
  it('defaults: in-app and email for escalations and breaches, in-app only otherwise, Slack once linked', () => {
    expect(channelsFor('escalation.requested', DEFAULT_PREFERENCES)).toEqual(['in_app', 'email']);
    expect(channelsFor('sla.breached', DEFAULT_PREFERENCES)).toEqual(['in_app', 'email']);
    expect(channelsFor('sla.warning', DEFAULT_PREFERENCES)).toEqual(['in_app']);
    expect(channelsFor('escalation.reminder', { ...DEFAULT_PREFERENCES, slackUserId: 'U1' })).toEqual(['in_app', 'email', 'slack']);
  });
  it('exact event beats family beats *', () => {
    const prefs = { ...DEFAULT_PREFERENCES, channels: { 'escalation.reminder': ['slack' as const], 'escalation.*': ['in_app' as const], '*': ['email' as const] } };
    expect(channelsFor('escalation.reminder', prefs)).toEqual(['slack']);
    expect(channelsFor('escalation.requested', prefs)).toEqual(['in_app']);
    expect(channelsFor('sla.warning', prefs)).toEqual(['email']);
  });
});

describe('quietHoursEnd', () => {
  const q = { start: '22:00', end: '07:00' };
  it('inside a window that crosses midnight: its end, in the person’s zone', () => {
    expect(quietHoursEnd(tokyo('2026-01-05T23:30:00'), 'Asia/Tokyo', q)).toBe(tokyo('2026-01-06T07:00:00'));
    expect(quietHoursEnd(tokyo('2026-01-06T03:00:00'), 'Asia/Tokyo', q)).toBe(tokyo('2026-01-06T07:00:00'));
  });
  it('outside, or no window, or an empty one: null', () => {
    expect(quietHoursEnd(tokyo('2026-01-05T12:00:00'), 'Asia/Tokyo', q)).toBeNull();
    expect(quietHoursEnd(tokyo('2026-01-05T07:00:00'), 'Asia/Tokyo', q)).toBeNull();
    expect(quietHoursEnd(tokyo('2026-01-05T23:00:00'), 'Asia/Tokyo', null)).toBeNull();
    expect(quietHoursEnd(tokyo('2026-01-05T23:00:00'), 'Asia/Tokyo', { start: '09:00', end: '09:00' })).toBeNull();
  });
  it('uses the zone: 23:30 in Tokyo is 14:30 UTC (not quiet for a UTC person)', () => {
    expect(quietHoursEnd(tokyo('2026-01-05T23:30:00'), 'UTC', q)).toBeNull();
  });
  it('urgent and breaches pass', () => {
    expect(passesQuietHours('sla.breached', 'normal')).toBe(true);
    expect(passesQuietHours('escalation.requested', 'urgent')).toBe(true);
    expect(passesQuietHours('escalation.requested', 'high')).toBe(false);
  });
});

describe('groupedDueAt', () => {
  it('first at once, the next within the window at its end, after the window at once', () => {
    expect(groupedDueAt(1000, null, 60_000)).toBe(1000);
    expect(groupedDueAt(31_000, 1000, 60_000)).toBe(61_000);
    expect(groupedDueAt(61_000, 1000, 60_000)).toBe(61_000);
    expect(groupedDueAt(5000, 1000, 0)).toBe(5000);
  });
});

describe('normaliseIntent', () => {
  it('reads the escalation engine payload', () => {
    const i = normaliseIntent({ event: 'escalation.requested', recipients: { userIds: ['a', 'b', 'a'] }, ticketId: 't', escalationId: 'e', data: { levelIndex: 0 } }, 5);
    expect(i).toMatchObject({ event: 'escalation.requested', userIds: ['a', 'b'], roles: [], ticketId: 't', escalationId: 'e', data: { levelIndex: 0 }, at: 5 });
  });
  it('reads the SLA payload (roles plus named users, ISO due time)', () => {
    const i = normaliseIntent({ event: 'sla.warning', ticketId: 't', clockId: 'c', clockKind: 'resolution', dueAt: '2026-01-05T00:00:00.000Z', recipients: ['assignee', 'bogus', 'team_manager'], userIds: ['u'] }, 5);
    expect(i).toMatchObject({ roles: ['assignee', 'team_manager'], userIds: ['u'], clockId: 'c', dueAtMs: Date.UTC(2026, 0, 5) });
  });
});

describe('isStillRelevant', () => {
  it('drops chases of acknowledged or finished escalations', () => {
    const chase = { event: 'escalation.reminder', escalationId: 'e', clockId: null };
    expect(isStillRelevant(chase, { escalationStatus: 'requested' })).toBe(true);
    expect(isStillRelevant(chase, { escalationStatus: 'acknowledged' })).toBe(false);
    expect(isStillRelevant(chase, { escalationStatus: 'resolved' })).toBe(false);
    expect(isStillRelevant({ ...chase, event: 'escalation.acknowledged' }, { escalationStatus: 'acknowledged' })).toBe(true);
  });
  it('decides a chase aimed at one target by that target: another department acknowledging does not silence it', () => {
    const remind = { event: 'escalation.reminder', escalationId: 'e', clockId: null, data: { levelIndex: 0, targetKey: 'team:legal' } };
    const facts = (phases: Record<string, string>, status = 'acknowledged', levelIndex = 0) => ({ escalationStatus: status, levelIndex, targetPhases: phases });
    expect(isStillRelevant(remind, facts({ 'user:sato': 'acknowledged', 'team:legal': 'reminding' }))).toBe(true);
    expect(isStillRelevant(remind, facts({ 'user:sato': 'acknowledged', 'team:legal': 'waiting' }))).toBe(true);
    expect(isStillRelevant(remind, facts({ 'user:sato': 'waiting', 'team:legal': 'acknowledged' }, 'acknowledged'))).toBe(false);
    expect(isStillRelevant(remind, facts({ 'team:legal': 'expired' }, 'requested'))).toBe(false);
    // The escalation moved to another level, or finished: the old level's chase is over.
    expect(isStillRelevant(remind, facts({ 'team:legal': 'waiting' }, 'requested', 1))).toBe(false);
    expect(isStillRelevant(remind, facts({ 'team:legal': 'reminding' }, 'resolved'))).toBe(false);
    expect(isStillRelevant(remind, facts({ 'team:legal': 'reminding' }, 'cancelled'))).toBe(false);
    // Without target facts (older rows) the escalation's status decides, as before.
    expect(isStillRelevant(remind, { escalationStatus: 'acknowledged' })).toBe(false);
    expect(isStillRelevant({ ...remind, data: {} }, { escalationStatus: 'acknowledged', levelIndex: 0, targetPhases: { 'team:legal': 'waiting' } })).toBe(false);
  });
  it('sends an SLA warning only while its clock runs; breaches always', () => {
    const w = { event: 'sla.warning', escalationId: null, clockId: 'c' };
    expect(isStillRelevant(w, { clockState: 'running' })).toBe(true);
    expect(isStillRelevant(w, { clockState: 'met' })).toBe(false);
    expect(isStillRelevant(w, { clockState: 'paused' })).toBe(false);
    expect(isStillRelevant({ ...w, event: 'sla.breached' }, { clockState: 'met' })).toBe(true);
  });
  it('maps the engine’s fallback onto a template', () => {
    expect(templateEventOf('escalation.fallback')).toBe('escalation.advanced');
    expect(templateEventOf('escalation.admin_alert')).toBe('escalation.advanced');
    expect(templateEventOf('escalation.cancelled')).toBeNull();
  });
});
