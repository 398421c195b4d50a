import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectPingPong } from './pingpong.policy.js';

const teams = {
  support: { id: 'support', name: 'Support', memberIds: [], managerIds: [], supervisorIds: ['sv-support'] },
  billing: { id: 'billing', name: 'Billing', memberIds: [], managerIds: [], supervisorIds: ['sv-billing'] },
  tech: { id: 'tech', name: 'Tech', memberIds: [], managerIds: [], supervisorIds: [] },
};
const move = (atMs: number, fromTeamId: string | null, toTeamId: string | null) => ({
  atMs,
  fromTeamId,
  toTeamId,
});

describe('detectPingPong', () => {
  it('does not flag up to the limit', () => {
    const r = detectPingPong(
      [
        move(1, null, 'support'),
        move(2, 'support', 'billing'),
        move(3, 'billing', 'support'),
        move(4, 'support', 'billing'),
      ],
      { teams },
    );
    expect(r).toMatchObject({
      transfers: 3,
      bounces: 2,
      flagged: false,
      routeTo: null,
      firstTeamId: 'support',
    });
    expect(r.history).toBe(
      'Support → Billing → Support → Billing (3 transfers, 2 back to a team already visited)',
    );
  });
  it('flags past the limit and routes to the supervisors of the first escalating team', () => {
    const changes = [
      move(5, 'billing', 'tech'),
      move(2, 'support', 'billing'),
      move(3, 'billing', 'support'),
      move(4, 'support', 'billing'),
    ];
    const r = detectPingPong(changes, { teams });
    expect(r).toMatchObject({
      transfers: 4,
      flagged: true,
      routeTo: { teamId: 'support', supervisorIds: ['sv-support'] },
    });
    expect(r.history.startsWith('Support → Billing → Support → Billing → Tech')).toBe(true);
    expect(detectPingPong(changes, { teams }, { limit: 5 }).flagged).toBe(false);
    expect(detectPingPong(changes, { teams }, { lang: 'ja' }).history).toBe(
      'Support → Billing → Support → Billing → Tech（移管 4 回、差し戻し 2 回）',
    );
  });
  it('ignores assignments from or to no team and same-team changes', () => {
    const r = detectPingPong(
      [
        move(1, null, 'support'),
        move(2, 'support', 'support'),
        move(3, 'support', null),
        move(4, null, 'billing'),
      ],
      { teams },
    );
    expect(r).toMatchObject({ transfers: 0, flagged: false, history: '', firstTeamId: null });
  });
  it('flags exactly when transfers exceed the limit (property)', () => {
    const team = fc.option(fc.constantFrom('support', 'billing', 'tech'));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(team, team), { maxLength: 12 }),
        fc.integer({ min: 0, max: 6 }),
        (pairs, limit) => {
          const r = detectPingPong(
            pairs.map(([f, t], i) => move(i, f, t)),
            { teams },
            { limit },
          );
          expect(r.transfers).toBe(pairs.filter(([f, t]) => f !== null && t !== null && f !== t).length);
          expect(r.flagged).toBe(r.transfers > limit);
          expect(r.bounces).toBeLessThanOrEqual(r.transfers);
        },
      ),
    );
  });
});
