import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Directory, DirectoryUser } from '../oncall/index.js';
import { percentile, routeFrom, routeTier, skipOf, validateHandsConfig, type RoutingInput } from './hands.policy.js';
import { DEFAULT_HANDS_CONFIG, type HandTier } from './hands.types.js';

const NOW = Date.UTC(2026, 11, 2, 9, 0, 0);
const user = (id: string, extra: Partial<DirectoryUser> = {}): DirectoryUser => ({ id, name: id.toUpperCase(), availability: 'available', active: true, outOfOffice: [], ...extra });

function floor(over: { users?: Partial<Record<string, Partial<DirectoryUser>>>; presence?: RoutingInput['people']['presence']; active?: Record<string, number>; max?: number } = {}): RoutingInput {
  const ids = ['op', 'op2', 'tl', 'tl2', 'sv1', 'sv2', 'mgr'];
  const users: Record<string, DirectoryUser> = {};
  for (const id of ids) users[id] = user(id, over.users?.[id] ?? {});
  const directory: Directory = {
    users,
    teams: {
      billing: { id: 'billing', name: 'Billing', memberIds: ['op', 'tl', 'tl2'], managerIds: ['mgr'], supervisorIds: ['tl', 'tl2'] },
      tech: { id: 'tech', name: 'Tech', memberIds: ['op2', 'sv1'], managerIds: [], supervisorIds: ['sv1'] },
    },
    rotations: {},
  };
  return {
    directory,
    people: { roles: { op: 'agent', op2: 'agent', tl: 'supervisor', tl2: 'supervisor', sv1: 'supervisor', sv2: 'supervisor', mgr: 'manager' }, presence: over.presence ?? {}, activeHands: over.active ?? {} },
    maxPerSupervisor: over.max ?? 1,
    operatorId: 'op',
    teamId: null,
  };
}

const tiers = DEFAULT_HANDS_CONFIG.tiers;

describe('tier routing', () => {
  it('alerts the team leaders first, with the tier timeout in seconds (default 12 s)', () => {
    const r = routeFrom(tiers, 0, floor(), NOW);
    expect(r).toMatchObject({ tierIndex: 0, alerted: ['tl', 'tl2'], exhausted: false, nextTierAt: NOW + 12_000 });
  });

  it('the next tier alerts the rest of the floor; the leaders keep seeing it', () => {
    const first = routeFrom(tiers, 0, floor(), NOW);
    const second = routeFrom(tiers, 1, floor(), NOW + 12_000, first.alerted);
    expect(second.tierIndex).toBe(1);
    expect(second.alerted).toEqual(['tl', 'tl2', 'sv1', 'sv2']);
    expect(second.tiers[0]!.alerted).toEqual(['sv1', 'sv2']);
    const third = routeFrom(tiers, 2, floor(), NOW + 24_000, second.alerted);
    expect(third).toMatchObject({ tierIndex: 2, alerted: ['tl', 'tl2', 'sv1', 'sv2', 'mgr'], nextTierAt: NOW + 36_000 });
    const after = routeFrom(tiers, 3, floor(), NOW + 36_000, third.alerted);
    expect(after).toMatchObject({ exhausted: true, nextTierAt: null, tierIndex: 2 });
  });

  it('skips busy, away, off, on-leave, deactivated, on a call, not available for hands and at capacity', () => {
    const input = floor({
      users: { tl: { availability: 'busy' }, sv1: { availability: 'away' }, sv2: { outOfOffice: [{ startMs: NOW - 1, endMs: NOW + 1, delegateUserId: null }] }, mgr: { active: false } },
      presence: { tl2: { availableForHands: true, onCall: true } },
    });
    expect(routeTier(tiers[0]!, 0, input, NOW).skipped).toEqual([
      { userId: 'tl', why: 'busy' },
      { userId: 'tl2', why: 'on_call' },
    ]);
    expect(skipOf('sv1', input, NOW)).toBe('away');
    expect(skipOf('sv2', input, NOW)).toBe('on_leave');
    expect(skipOf('mgr', input, NOW)).toBe('deactivated');
    expect(skipOf('op', input, NOW)).toBe('operator');
    expect(skipOf('sv1', floor({ users: { sv1: { availability: 'off' } } }), NOW)).toBe('off');
    expect(skipOf('sv1', floor({ presence: { sv1: { availableForHands: false, onCall: false } } }), NOW)).toBe('not_available_for_hands');
    expect(skipOf('sv1', floor({ active: { sv1: 1 } }), NOW)).toBe('at_capacity');
    expect(skipOf('sv1', floor({ active: { sv1: 1 }, max: 2 }), NOW)).toBeNull();
  });

  it('passes a tier with nobody to alert at once, and is exhausted when no tier has anyone', () => {
    const leadersBusy = floor({ users: { tl: { availability: 'busy' }, tl2: { availability: 'away' } } });
    const r = routeFrom(tiers, 0, leadersBusy, NOW);
    expect(r.tierIndex).toBe(1);
    expect(r.tiers.map((t) => t.tierIndex)).toEqual([0, 1]);
    expect(r.nextTierAt).toBe(NOW + 12_000);
    const nobody = floor({ presence: Object.fromEntries(['tl', 'tl2', 'sv1', 'sv2', 'mgr'].map((id) => [id, { availableForHands: false, onCall: false }])) });
    expect(routeFrom(tiers, 0, nobody, NOW)).toMatchObject({ exhausted: true, alerted: [], nextTierAt: null });
  });

  it('a tier that would only alert people already alerted is passed', () => {
    const twice: HandTier[] = [
      { name: 'leaders', targets: [{ type: 'operator_team_supervisors' }], timeoutSeconds: 5 },
      { name: 'leaders again', targets: [{ type: 'team_supervisors', teamId: 'billing' }], timeoutSeconds: 5 },
      { name: 'one person', targets: [{ type: 'user', userId: 'sv2' }], timeoutSeconds: 30 },
    ];
    const r = routeFrom(twice, 1, floor(), NOW, ['tl', 'tl2']);
    expect(r).toMatchObject({ tierIndex: 2, alerted: ['tl', 'tl2', 'sv2'], nextTierAt: NOW + 30_000 });
  });

  it("the hand's team narrows the team leaders to that team", () => {
    const input = { ...floor(), operatorId: 'op2', teamId: 'tech' };
    expect(routeTier(tiers[0]!, 0, input, NOW).alerted).toEqual(['sv1']);
    expect(routeTier(tiers[0]!, 0, { ...input, teamId: 'nope' }, NOW).alerted).toEqual([]);
  });

  it('never alerts the operator, never anyone twice, and alerts every reachable person of the tier (property)', () => {
    const ids = ['op', 'tl', 'tl2', 'sv1', 'sv2', 'mgr'];
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...ids), fc.constantFrom('available', 'busy', 'away', 'off')),
        fc.dictionary(fc.constantFrom(...ids), fc.record({ availableForHands: fc.boolean(), onCall: fc.boolean() })),
        fc.dictionary(fc.constantFrom(...ids), fc.integer({ min: 0, max: 3 })),
        (avail, presence, active) => {
          const input = floor({ users: Object.fromEntries(Object.entries(avail).map(([k, v]) => [k, { availability: v as DirectoryUser['availability'] }])), presence, active });
          const r = routeFrom(tiers, 0, input, NOW);
          expect(r.alerted).not.toContain('op');
          expect(new Set(r.alerted).size).toBe(r.alerted.length);
          for (const id of r.alerted) expect(skipOf(id, input, NOW)).toBeNull();
          if (r.exhausted) expect(r.nextTierAt).toBeNull();
          else expect(r.nextTierAt).toBe(NOW + tiers[r.tierIndex]!.timeoutSeconds * 1000);
        },
      ),
    );
  });
});

describe('configuration', () => {
  it('names unknown teams and users, empty tiers and duplicate categories', () => {
    const problems = validateHandsConfig(
      { ...DEFAULT_HANDS_CONFIG, tiers: [{ name: 'x', targets: [], timeoutSeconds: 12 }, { name: 'y', targets: [{ type: 'team_supervisors', teamId: 't1' }, { type: 'user', userId: 'u1' }], timeoutSeconds: 12 }], categories: ['Refund', 'refund ', ''] },
      { userIds: new Set(), teamIds: new Set() },
    );
    expect(problems.map((p) => p.code)).toEqual(['hands_tier_no_target', 'hands_unknown_team', 'hands_unknown_user', 'hands_duplicate_category', 'hands_empty_category']);
    expect(validateHandsConfig(DEFAULT_HANDS_CONFIG, { userIds: new Set(), teamIds: new Set() })).toEqual([]);
  });

  it('percentile by nearest rank', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([7], 99)).toBe(7);
  });
});
