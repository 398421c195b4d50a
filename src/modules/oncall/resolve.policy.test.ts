import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isReachable, resolveFallback, resolveFrom, resolveLevel, resolveTarget, supervisorsOfUser, traceText } from './resolve.policy.js';
import {
  AVAILABILITIES,
  type Directory,
  type DirectoryUser,
  type Rotation,
} from './oncall.types.js';
import type { Level } from '../paths/index.js';
import type { EscalationSnapshot } from '../escalations/index.js';

const NOW = Date.UTC(2024, 4, 1, 3, 0);
const HOUR = 3600_000;
const user = (id: string, over: Partial<DirectoryUser> = {}): DirectoryUser => ({
  id,
  name: id[0]?.toUpperCase() + id.slice(1),
  availability: 'available',
  outOfOffice: [],
  ...over,
});
const onCall: Rotation = {
  id: 'oncall',
  name: 'Billing on call',
  members: ['kato'],
  shift: { unit: 'days', days: 7 },
  handoffTime: '09:00',
  timeZone: 'Asia/Tokyo',
  startDate: '2024-01-01',
  teamId: 'billing',
  overrides: [],
};
const directory = (users: DirectoryUser[], rotations: Rotation[] = [onCall]): Directory => ({
  users: Object.fromEntries(users.map((u) => [u.id, u])),
  teams: {
    billing: {
      id: 'billing',
      name: 'Billing',
      memberIds: ['sato', 'tanaka', 'kato'],
      managerIds: ['mori'],
      supervisorIds: ['sv1'],
    },
    support: { id: 'support', name: 'Support', memberIds: ['agent'], managerIds: [], supervisorIds: ['sv2'] },
  },
  rotations: Object.fromEntries(rotations.map((r) => [r.id, r])),
});
const everyone = ['sato', 'tanaka', 'kato', 'mori', 'sv1', 'sv2', 'agent', 'admin'];
const ctx = { currentTeamId: 'billing', assigneeId: 'agent' };
const level = (targets: Level['targets']): Level => ({
  name: 'L2',
  kind: 'functional',
  targets,
  contact: { department: null, person: null, phone: null, email: null },
  ackTimeoutSeconds: 600,
  calendarId: null,
  onTimeout: { advance: true, repeatReminders: 0, reminderIntervalSeconds: 0 },
  requiredBriefFields: [],
});

describe('reachability', () => {
  it('counts available and busy, not away, off, on leave or deactivated', () => {
    const d = directory([
      user('a'),
      user('b', { availability: 'busy' }),
      user('c', { availability: 'away' }),
      user('d', { availability: 'off' }),
      user('e', { outOfOffice: [{ startMs: NOW - HOUR, endMs: NOW + HOUR, delegateUserId: null }] }),
      user('f', { active: false }),
      user('g', { outOfOffice: [{ startMs: NOW - 2 * HOUR, endMs: NOW, delegateUserId: null }] }),
    ]);
    expect(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'missing'].filter((id) => isReachable(d, id, NOW))).toEqual([
      'a',
      'b',
      'g',
    ]);
  });
});

describe('resolveTarget', () => {
  it('reaches an available user', () => {
    const r = resolveTarget(
      { type: 'user', userId: 'sato' },
      directory(everyone.map((id) => user(id))),
      ctx,
      NOW,
    );
    expect(r).toMatchObject({ key: 'user:sato', receivers: ['sato'], trace: ['user Sato is reachable'] });
  });
  it('replaces a user on leave by the delegate of the window', () => {
    const d = directory([
      user('sato', {
        outOfOffice: [{ startMs: NOW - HOUR, endMs: NOW + HOUR, delegateUserId: 'tanaka' }],
        delegateUserId: 'kato',
      }),
      user('tanaka'),
      user('kato'),
    ]);
    const r = resolveTarget({ type: 'user', userId: 'sato' }, d, ctx, NOW);
    expect(r.receivers).toEqual(['tanaka']);
    expect(r.trace).toEqual(['user Sato is on leave (out of office) → delegate Tanaka']);
  });
  it('uses the standing delegate when away, and follows chains', () => {
    const d = directory([
      user('sato', { availability: 'away', delegateUserId: 'tanaka' }),
      user('tanaka', { availability: 'off', delegateUserId: 'kato' }),
      user('kato'),
    ]);
    const r = resolveTarget({ type: 'user', userId: 'sato' }, d, ctx, NOW);
    expect(r.receivers).toEqual(['kato']);
    expect(r.trace).toEqual([
      'user Sato is away → delegate Tanaka',
      'delegate Tanaka is off → delegate Kato',
    ]);
  });
  it('keeps the trace as facts (for the reader\'s language) whose English text is the trace', () => {
    const d = directory([
      user('sato', { availability: 'away', delegateUserId: 'tanaka' }),
      user('tanaka', { availability: 'off', delegateUserId: 'kato' }),
      user('kato'),
    ]);
    const r = resolveTarget({ type: 'user', userId: 'sato' }, d, ctx, NOW);
    expect(r.traceFacts).toEqual([
      { code: 'unavailable', role: 'user', name: 'Sato', why: 'away', delegate: 'Tanaka' },
      { code: 'unavailable', role: 'delegate', name: 'Tanaka', why: 'off', delegate: 'Kato' },
    ]);
    expect(r.traceFacts.map(traceText)).toEqual(r.trace);
    const away = directory(everyone.map((id) => user(id, id === 'kato' ? { availability: 'off' } : {})));
    const rot = resolveTarget({ type: 'rotation', rotationId: 'oncall' }, away, ctx, NOW);
    expect(rot.traceFacts[2]).toEqual({ code: 'team_reachable', team: 'Billing', names: ['Sato', 'Tanaka'], skipped: [{ name: 'Kato', why: 'off' }] });
    expect(rot.traceFacts.map(traceText)).toEqual(rot.trace);
  });
  it('stops a delegate cycle A → B → A', () => {
    const d = directory([
      user('sato', { availability: 'off', delegateUserId: 'tanaka' }),
      user('tanaka', { availability: 'off', delegateUserId: 'sato' }),
    ]);
    const r = resolveTarget({ type: 'user', userId: 'sato' }, d, ctx, NOW);
    expect(r.receivers).toEqual([]);
    expect(r.trace).toEqual([
      'user Sato is off → delegate Tanaka',
      'delegate Tanaka is off → delegate Sato',
      'delegate chain loops back to Sato → stopped',
      'nobody reachable for this target',
    ]);
  });
  it('reaches the on-call person, else the rotation team', () => {
    const d = directory(everyone.map((id) => user(id)));
    expect(resolveTarget({ type: 'rotation', rotationId: 'oncall' }, d, ctx, NOW).receivers).toEqual([
      'kato',
    ]);
    const away = directory(everyone.map((id) => user(id, id === 'kato' ? { availability: 'off' } : {})));
    const r = resolveTarget({ type: 'rotation', rotationId: 'oncall' }, away, ctx, NOW);
    expect(r.receivers).toEqual(['sato', 'tanaka']);
    expect(r.trace).toEqual([
      'rotation Billing on call: Kato is on call',
      'user Kato is off, no delegate',
      'team Billing: Sato, Tanaka reachable (skipped Kato is off)',
    ]);
    const notStarted = directory(
      everyone.map((id) => user(id)),
      [{ ...onCall, startDate: '2030-01-01' }],
    );
    expect(resolveTarget({ type: 'rotation', rotationId: 'oncall' }, notStarted, ctx, NOW).trace[0]).toBe(
      'rotation Billing on call: nobody is on call',
    );
  });
  it('reaches the available members of a team', () => {
    const d = directory(everyone.map((id) => user(id, id === 'sato' ? { availability: 'away' } : {})));
    expect(resolveTarget({ type: 'team', teamId: 'billing' }, d, ctx, NOW).receivers).toEqual([
      'tanaka',
      'kato',
    ]);
  });
  it('resolves relative roles', () => {
    const d = directory(everyone.map((id) => user(id)));
    expect(resolveTarget({ type: 'role', role: 'manager_of_current_team' }, d, ctx, NOW).receivers).toEqual([
      'mori',
    ]);
    expect(resolveTarget({ type: 'role', role: 'supervisor_of_assignee' }, d, ctx, NOW).receivers).toEqual([
      'sv2',
    ]);
    expect(
      resolveTarget(
        { type: 'role', role: 'manager_of_current_team' },
        d,
        { currentTeamId: null, assigneeId: null },
        NOW,
      ).trace,
    ).toEqual(['the ticket has no current team, so no manager', 'nobody reachable for this target']);
    expect(
      resolveTarget(
        { type: 'role', role: 'supervisor_of_assignee' },
        d,
        { currentTeamId: null, assigneeId: null },
        NOW,
      ).receivers,
    ).toEqual([]);
  });
});

describe('levels and fallback', () => {
  const snapshot = (levels: Level[], fallbackUserIds = ['admin']): EscalationSnapshot => ({
    pathId: 'p',
    pathVersion: 1,
    pathName: 'P',
    levels,
    fallbackUserIds,
    fallbackTeamId: null,
  });

  it('reports per target and unions the receivers', () => {
    const d = directory(everyone.map((id) => user(id)));
    const r = resolveLevel(
      level([
        { type: 'user', userId: 'sato' },
        { type: 'team', teamId: 'billing' },
      ]),
      0,
      d,
      ctx,
      NOW,
    );
    expect(r.kind).toBe('reached');
    expect(r.receivers).toEqual(['sato', 'tanaka', 'kato']);
    expect(r.targets.map((t) => t.key)).toEqual(['user:sato', 'team:billing']);
  });
  it('signals advance when nobody is reachable, then falls back with an admin alert', () => {
    const d = directory(everyone.map((id) => user(id, { availability: 'off' })));
    const snap = snapshot([
      level([{ type: 'user', userId: 'sato' }]),
      level([{ type: 'team', teamId: 'billing' }]),
    ]);
    expect(resolveLevel(snap.levels[0] as Level, 0, d, ctx, NOW).kind).toBe('advance');
    const { skipped, result } = resolveFrom(snap, 0, d, ctx, NOW);
    expect(skipped.map((s) => s.levelIndex)).toEqual([0, 1]);
    expect(result).toMatchObject({ kind: 'fallback', adminAlert: true, receivers: ['admin'] });
    expect(result.kind === 'fallback' && result.trace).toContain(
      'no fallback user is reachable → notifying every fallback user anyway',
    );
  });
  it('skips only as far as needed', () => {
    const d = directory(everyone.map((id) => user(id, id === 'sato' ? { availability: 'off' } : {})));
    const snap = snapshot([
      level([{ type: 'user', userId: 'sato' }]),
      level([{ type: 'user', userId: 'mori' }]),
    ]);
    const { skipped, result } = resolveFrom(snap, 0, d, ctx, NOW);
    expect(skipped).toHaveLength(1);
    expect(result).toMatchObject({ kind: 'reached', levelIndex: 1, receivers: ['mori'] });
  });
  it('falls back to reachable fallback users and the fallback team; never silently to nobody', () => {
    const d = directory(everyone.map((id) => user(id, id === 'admin' ? { availability: 'off' } : {})));
    expect(
      resolveFallback({ fallbackUserIds: ['admin', 'mori'], fallbackTeamId: 'support' }, d, NOW).receivers,
    ).toEqual(['mori', 'agent']);
    const none = resolveFallback({ fallbackUserIds: [], fallbackTeamId: null }, d, NOW);
    expect(none).toMatchObject({ kind: 'fallback', adminAlert: true, receivers: [] });
    expect(none.trace).toContain('the path has no fallback user → admins only');
  });

  it('only ever returns reachable receivers for a level (property)', () => {
    const ids = ['sato', 'tanaka', 'kato', 'mori', 'sv1', 'sv2', 'agent'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...AVAILABILITIES), { minLength: ids.length, maxLength: ids.length }),
        fc.array(fc.option(fc.constantFrom(...ids)), { minLength: ids.length, maxLength: ids.length }),
        (avail, delegates) => {
          const d = directory(
            ids.map((id, i) =>
              user(id, { availability: avail[i] ?? 'available', delegateUserId: delegates[i] ?? null }),
            ),
          );
          const targets: Level['targets'] = [
            { type: 'user', userId: 'sato' },
            { type: 'team', teamId: 'billing' },
            { type: 'rotation', rotationId: 'oncall' },
            { type: 'role', role: 'manager_of_current_team' },
            { type: 'role', role: 'supervisor_of_assignee' },
          ];
          const r = resolveLevel(level(targets), 0, d, ctx, NOW);
          for (const id of r.receivers) expect(isReachable(d, id, NOW)).toBe(true);
          expect(r.kind === 'advance').toBe(r.receivers.length === 0);
        },
      ),
    );
  });
});

describe('my supervisor (direct escalation)', () => {
  const d = directory(everyone.map((id) => user(id)));
  it('is the supervisor of the teams the agent works in', () => {
    expect(supervisorsOfUser(d, 'agent')).toEqual(['sv2']);
    expect(supervisorsOfUser(d, 'sato')).toEqual(['sv1']);
  });
  it('falls back to the managers when the agent is the supervisor or none is named', () => {
    const own = { ...d, teams: { ...d.teams, billing: { ...d.teams.billing!, memberIds: ['sato', 'sv1'], supervisorIds: ['sv1'] } } };
    expect(supervisorsOfUser(own, 'sv1')).toEqual(['mori']);
    const none = { ...d, teams: { billing: { ...d.teams.billing!, supervisorIds: [] } } };
    expect(supervisorsOfUser(none, 'tanaka')).toEqual(['mori']);
  });
  it('is nobody for someone outside every team, and skips deactivated people', () => {
    expect(supervisorsOfUser(d, 'admin')).toEqual([]);
    const gone = directory(everyone.map((id) => user(id, id === 'sv2' ? { active: false } : {})));
    expect(supervisorsOfUser(gone, 'agent')).toEqual([]);
  });
});
