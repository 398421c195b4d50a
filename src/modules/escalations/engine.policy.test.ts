import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.js';
import { initialState, simulate, step } from './engine.policy.js';
import type { Level } from '../paths/index.js';
import type { Directory, DirectoryUser } from '../oncall/index.js';
import type { Effect, EscalationEvent, EscalationSnapshot, EscalationState, StepContext } from './escalation.types.js';

const T0 = Date.UTC(2024, 4, 1, 0, 0);
const MIN = 60_000;
const wall = (start: number, seconds: number) => start + seconds * 1000;
const user = (id: string, over: Partial<DirectoryUser> = {}): DirectoryUser => ({
  id,
  name: id,
  availability: 'available',
  outOfOffice: [],
  ...over,
});
const dirOf = (off: string[] = []): Directory => ({
  users: Object.fromEntries(
    ['sato', 'tanaka', 'mori', 'legal1', 'admin', 'agent'].map((id) => [
      id,
      user(id, off.includes(id) ? { availability: 'off' } : {}),
    ]),
  ),
  teams: { legal: { id: 'legal', name: 'Legal', memberIds: ['legal1'], managerIds: [], supervisorIds: [] } },
  rotations: {},
});
const level = (
  name: string,
  targets: Level['targets'],
  onTimeout: Partial<Level['onTimeout']> = {},
  ackTimeoutSeconds = 600,
): Level => ({
  name,
  kind: 'functional',
  targets,
  contact: { department: null, person: null, phone: null, email: null },
  ackTimeoutSeconds,
  calendarId: null,
  onTimeout: { advance: true, repeatReminders: 0, reminderIntervalSeconds: 300, ...onTimeout },
  requiredBriefFields: [],
});
const snap = (levels: Level[]): EscalationSnapshot => ({
  pathId: 'p1',
  pathVersion: 3,
  pathName: 'Billing',
  levels,
  fallbackUserIds: ['admin'],
  fallbackTeamId: null,
});
const ctx = (now: number, directory = dirOf()): StepContext => ({
  now,
  addSeconds: wall,
  directory,
  ticket: { currentTeamId: null, assigneeId: null },
});
const of = <T extends Effect['type']>(effects: Effect[], type: T) =>
  effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);

const twoLevels = snap([
  level('L2 billing', [{ type: 'user', userId: 'sato' }], { repeatReminders: 2 }),
  level('L3 manager', [{ type: 'user', userId: 'mori' }]),
]);

const start = (s = twoLevels, directory = dirOf()) =>
  step(s, initialState(), { type: 'requested', requestedBy: 'agent' }, ctx(T0, directory));

describe('step: lifecycle', () => {
  it('requests: notifies level 1 and schedules its acknowledgement timeout', () => {
    const { state, effects } = start();
    expect(state).toMatchObject({
      status: 'requested',
      levelIndex: 0,
      requestedBy: 'agent',
      requestedMs: T0,
    });
    expect(of(effects, 'notify')).toEqual([
      {
        type: 'notify',
        userIds: ['sato'],
        reason: 'requested',
        levelIndex: 0,
        targetKey: 'user:sato',
        adminAlert: false,
      },
    ]);
    expect(of(effects, 'schedule_timer')).toEqual([
      {
        type: 'schedule_timer',
        kind: 'ack_timeout',
        dueMs: T0 + 10 * MIN,
        key: '0:user:sato:ack_timeout',
        levelIndex: 0,
        targetKey: 'user:sato',
      },
    ]);
    expect(of(effects, 'record').map((r) => r.kind)).toEqual([
      'escalation.requested',
      'escalation.level_reached',
    ]);
  });

  it('reminds after the timeout, then advances one interval after the last reminder', () => {
    let { state } = start();
    const t = (event: EscalationEvent, now: number) => {
      const r = step(twoLevels, state, event, ctx(now));
      state = r.state;
      return r.effects;
    };
    const e1 = t({ type: 'ack_timeout', levelIndex: 0, targetKey: 'user:sato' }, T0 + 10 * MIN);
    expect(of(e1, 'notify')[0]).toMatchObject({ reason: 'reminder', userIds: ['sato'] });
    expect(of(e1, 'schedule_timer')[0]).toMatchObject({
      kind: 'reminder_due',
      dueMs: T0 + 15 * MIN,
      key: '0:user:sato:reminder_due:1',
    });
    const e2 = t({ type: 'reminder_due', levelIndex: 0, targetKey: 'user:sato' }, T0 + 15 * MIN);
    expect(of(e2, 'record')[0]?.data).toMatchObject({ reminder: 2, of: 2 });
    expect(state.targets[0]?.remindersSent).toBe(2);
    const e3 = t({ type: 'reminder_due', levelIndex: 0, targetKey: 'user:sato' }, T0 + 20 * MIN);
    expect(of(e3, 'advance')).toEqual([{ type: 'advance', fromLevel: 0, toLevel: 1, reason: 'timeout' }]);
    expect(of(e3, 'cancel_timers')).toEqual([{ type: 'cancel_timers', keyPrefix: '0:' }]);
    expect(of(e3, 'notify')[0]).toMatchObject({ userIds: ['mori'], reason: 'requested', levelIndex: 1 });
    expect(state).toMatchObject({ levelIndex: 1, status: 'requested', levelStartedMs: T0 + 20 * MIN });
    const e4 = t({ type: 'ack_timeout', levelIndex: 1, targetKey: 'user:mori' }, T0 + 30 * MIN);
    expect(of(e4, 'fallback')).toEqual([{ type: 'fallback', userIds: ['admin'], adminAlert: true }]);
    expect(state).toMatchObject({ stage: 'fallback', levelIndex: 2 });
  });

  it('acknowledging stops the target timers; later timers are no-ops', () => {
    const { state } = start();
    const ack = step(twoLevels, state, { type: 'acknowledged', userId: 'sato' }, ctx(T0 + MIN));
    expect(ack.state).toMatchObject({ status: 'acknowledged', acknowledgedMs: T0 + MIN });
    expect(of(ack.effects, 'cancel_timers')).toEqual([{ type: 'cancel_timers', keyPrefix: '0:user:sato:' }]);
    expect(of(ack.effects, 'notify')).toEqual([
      {
        type: 'notify',
        userIds: ['agent'],
        reason: 'acknowledged',
        levelIndex: 0,
        targetKey: null,
        adminAlert: false,
      },
    ]);
    const late = step(
      twoLevels,
      ack.state,
      { type: 'ack_timeout', levelIndex: 0, targetKey: 'user:sato' },
      ctx(T0 + 10 * MIN),
    );
    expect(late).toEqual({ state: ack.state, effects: [] });
    expect(
      step(twoLevels, ack.state, { type: 'acknowledged', userId: 'sato' }, ctx(T0 + 2 * MIN)).effects,
    ).toEqual([]);
    const wrongLevel = step(
      twoLevels,
      state,
      { type: 'reminder_due', levelIndex: 5, targetKey: 'user:sato' },
      ctx(T0),
    );
    expect(wrongLevel.effects).toEqual([]);
  });

  it('resolves, returns and cancels, cancelling every timer; acting afterwards is a 409 with the status', () => {
    const { state } = start();
    const resolved = step(twoLevels, state, { type: 'resolved', userId: 'sato' }, ctx(T0 + MIN));
    expect(resolved.state).toMatchObject({
      status: 'resolved',
      finishedMs: T0 + MIN,
      acknowledgedMs: T0 + MIN,
    });
    expect(of(resolved.effects, 'cancel_timers')).toEqual([{ type: 'cancel_timers', keyPrefix: '' }]);
    const returned = step(
      twoLevels,
      state,
      { type: 'returned', userId: 'sato', reason: 'wrong_target', text: 'Legal should answer' },
      ctx(T0 + MIN),
    );
    expect(returned.state.returned).toEqual({
      userId: 'sato',
      reason: 'wrong_target',
      text: 'Legal should answer',
    });
    expect(of(returned.effects, 'notify')[0]?.userIds).toEqual(['agent']);
    const cancelled = step(twoLevels, state, { type: 'cancelled', userId: 'agent' }, ctx(T0 + MIN));
    expect(of(cancelled.effects, 'notify')[0]).toMatchObject({ reason: 'cancelled', userIds: ['sato'] });

    for (const finished of [resolved.state, returned.state, cancelled.state]) {
      for (const event of [
        { type: 'acknowledged', userId: 'sato' },
        { type: 'advanced', userId: 'agent' },
        { type: 'resolved', userId: 'x' },
      ] as EscalationEvent[]) {
        let error: unknown;
        try {
          step(twoLevels, finished, event, ctx(T0 + 2 * MIN));
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).status).toBe(409);
        expect((error as AppError).details).toMatchObject({ status: finished.status });
      }
      expect(
        step(
          twoLevels,
          finished,
          { type: 'ack_timeout', levelIndex: 0, targetKey: 'user:sato' },
          ctx(T0 + 10 * MIN),
        ).effects,
      ).toEqual([]);
    }
    expect(() => step(twoLevels, state, { type: 'requested', requestedBy: null }, ctx(T0))).toThrow(
      /already requested/,
    );
    expect(() => step(twoLevels, initialState(), { type: 'acknowledged', userId: 'sato' }, ctx(T0))).toThrow(
      /not been requested/,
    );
  });

  it('advances manually, to the fallback after the last level, then refuses', () => {
    let { state } = start();
    const a = step(
      twoLevels,
      state,
      { type: 'advanced', userId: 'sato', reason: 'needs authority' },
      ctx(T0 + MIN),
    );
    expect(of(a.effects, 'advance')).toEqual([
      { type: 'advance', fromLevel: 0, toLevel: 1, reason: 'manual' },
    ]);
    expect(of(a.effects, 'record')[0]).toMatchObject({
      kind: 'escalation.advanced',
      data: { fromLevel: 0, toLevel: 1, reason: 'needs authority' },
    });
    state = step(twoLevels, a.state, { type: 'advanced', userId: 'mori' }, ctx(T0 + 2 * MIN)).state;
    expect(state.stage).toBe('fallback');
    expect(() => step(twoLevels, state, { type: 'advanced', userId: 'admin' }, ctx(T0 + 3 * MIN))).toThrow(
      /no further level/,
    );
    const acked = step(twoLevels, state, { type: 'acknowledged', userId: 'admin' }, ctx(T0 + 3 * MIN));
    expect(acked.state.status).toBe('acknowledged');
  });

  it('skips unreachable levels at once and falls back when nobody at all is reachable', () => {
    const { state, effects } = start(twoLevels, dirOf(['sato']));
    expect(state.levelIndex).toBe(1);
    expect(of(effects, 'record').map((r) => r.kind)).toEqual([
      'escalation.requested',
      'escalation.level_skipped',
      'escalation.level_reached',
    ]);
    const all = start(twoLevels, dirOf(['sato', 'mori', 'admin']));
    expect(all.state.stage).toBe('fallback');
    expect(of(all.effects, 'fallback')).toEqual([{ type: 'fallback', userIds: ['admin'], adminAlert: true }]);
    expect(of(all.effects, 'notify')[0]).toMatchObject({
      reason: 'fallback',
      adminAlert: true,
      userIds: ['admin'],
    });
  });

  it('stalls instead of advancing when the level says so', () => {
    const s = snap([
      level('L2', [{ type: 'user', userId: 'sato' }], { advance: false }),
      level('L3', [{ type: 'user', userId: 'mori' }]),
    ]);
    const { state } = start(s);
    const r = step(
      s,
      state,
      { type: 'ack_timeout', levelIndex: 0, targetKey: 'user:sato' },
      ctx(T0 + 10 * MIN),
    );
    expect(r.state).toMatchObject({ stalled: true, levelIndex: 0 });
    expect(of(r.effects, 'record').map((x) => x.kind)).toEqual([
      'escalation.target_expired',
      'escalation.stalled',
    ]);
    expect(
      step(s, r.state, { type: 'acknowledged', userId: 'sato' }, ctx(T0 + 11 * MIN)).state,
    ).toMatchObject({ stalled: false, status: 'acknowledged' });
  });
});

describe('step: fan-out', () => {
  const fan = snap([
    level(
      'Complaint',
      [
        { type: 'user', userId: 'sato' },
        { type: 'team', teamId: 'legal' },
      ],
      { repeatReminders: 1 },
    ),
    level('L3', [{ type: 'user', userId: 'mori' }]),
  ]);

  it('counts as acknowledged at the first target, keeps reminding the others, never advances over an owner', () => {
    let state = step(fan, initialState(), { type: 'requested', requestedBy: 'agent' }, ctx(T0)).state;
    expect(state.targets.map((t) => t.key)).toEqual(['user:sato', 'team:legal']);
    const ack = step(fan, state, { type: 'acknowledged', userId: 'sato' }, ctx(T0 + MIN));
    state = ack.state;
    expect(state.status).toBe('acknowledged');
    expect(state.targets.map((t) => t.phase)).toEqual(['acknowledged', 'waiting']);
    expect(of(ack.effects, 'cancel_timers')).toEqual([{ type: 'cancel_timers', keyPrefix: '0:user:sato:' }]);
    const rem = step(
      fan,
      state,
      { type: 'ack_timeout', levelIndex: 0, targetKey: 'team:legal' },
      ctx(T0 + 10 * MIN),
    );
    expect(of(rem.effects, 'notify')[0]).toMatchObject({ reason: 'reminder', userIds: ['legal1'] });
    const exp = step(
      fan,
      rem.state,
      { type: 'reminder_due', levelIndex: 0, targetKey: 'team:legal' },
      ctx(T0 + 15 * MIN),
    );
    expect(of(exp.effects, 'advance')).toEqual([]);
    // The requester learns which department did not answer.
    expect(of(exp.effects, 'notify')).toEqual([
      { type: 'notify', userIds: ['agent'], reason: 'target_expired', levelIndex: 0, targetKey: 'team:legal', adminAlert: false, targetName: expect.any(String) },
    ]);
    expect(exp.state).toMatchObject({ levelIndex: 0, status: 'acknowledged' });
    expect(exp.state.targets[1]?.phase).toBe('expired');
    // A late acknowledgement is still taken.
    expect(
      step(fan, exp.state, { type: 'acknowledged', userId: 'legal1' }, ctx(T0 + 20 * MIN)).state.targets[1]
        ?.phase,
    ).toBe('acknowledged');
  });

  it('advances only when every target expired without an acknowledgement', () => {
    let state = step(fan, initialState(), { type: 'requested', requestedBy: 'agent' }, ctx(T0)).state;
    for (const key of ['user:sato', 'team:legal'])
      state = step(
        fan,
        state,
        { type: 'ack_timeout', levelIndex: 0, targetKey: key },
        ctx(T0 + 10 * MIN),
      ).state;
    const first = step(
      fan,
      state,
      { type: 'reminder_due', levelIndex: 0, targetKey: 'user:sato' },
      ctx(T0 + 15 * MIN),
    );
    expect(first.state.levelIndex).toBe(0);
    const second = step(
      fan,
      first.state,
      { type: 'reminder_due', levelIndex: 0, targetKey: 'team:legal' },
      ctx(T0 + 15 * MIN),
    );
    expect(second.state.levelIndex).toBe(1);
  });

  it('a non-receiver acknowledging takes the whole level; a target key picks one', () => {
    const state = step(fan, initialState(), { type: 'requested', requestedBy: 'agent' }, ctx(T0)).state;
    expect(
      step(fan, state, { type: 'acknowledged', userId: 'supervisor' }, ctx(T0)).state.targets.map(
        (t) => t.phase,
      ),
    ).toEqual(['acknowledged', 'acknowledged']);
    expect(
      step(
        fan,
        state,
        { type: 'acknowledged', userId: 'supervisor', targetKey: 'team:legal' },
        ctx(T0),
      ).state.targets.map((t) => t.phase),
    ).toEqual(['waiting', 'acknowledged']);
    expect(() =>
      step(fan, state, { type: 'acknowledged', userId: 'x', targetKey: 'team:nope' }, ctx(T0)),
    ).toThrow(/not found/);
  });
});

describe('simulate', () => {
  it('predicts each level, reminder, advancement and the fallback', () => {
    const result = simulate({
      snapshot: twoLevels,
      arrivalMs: T0,
      directory: dirOf(),
      ticket: { currentTeamId: null, assigneeId: null },
      addSeconds: wall,
      requestedBy: 'agent',
    });
    expect(result.levels).toEqual([
      {
        levelIndex: 0,
        name: 'L2 billing',
        skipped: false,
        reachedMs: T0,
        ackDueMs: T0 + 10 * MIN,
        targets: [{ key: 'user:sato', receivers: ['sato'], trace: ['user sato is reachable'], traceFacts: [{ code: 'reachable', role: 'user', name: 'sato' }] }],
        reminders: [
          { atMs: T0 + 10 * MIN, targetKey: 'user:sato', receivers: ['sato'] },
          { atMs: T0 + 15 * MIN, targetKey: 'user:sato', receivers: ['sato'] },
        ],
        leftMs: T0 + 20 * MIN,
      },
      {
        levelIndex: 1,
        name: 'L3 manager',
        skipped: false,
        reachedMs: T0 + 20 * MIN,
        ackDueMs: T0 + 30 * MIN,
        targets: [{ key: 'user:mori', receivers: ['mori'], trace: ['user mori is reachable'], traceFacts: [{ code: 'reachable', role: 'user', name: 'mori' }] }],
        reminders: [],
        leftMs: T0 + 30 * MIN,
      },
    ]);
    expect(result.fallback).toMatchObject({ atMs: T0 + 30 * MIN, receivers: ['admin'], adminAlert: true });
    expect(result.truncated).toBe(false);
  });

  it('spaces reminders with growing intervals when the level asks for it', () => {
    const growing = snap([level('L2 billing', [{ type: 'user', userId: 'sato' }], { repeatReminders: 3, reminderBackoff: 2 })]);
    const result = simulate({ snapshot: growing, arrivalMs: T0, directory: dirOf(), ticket: { currentTeamId: null, assigneeId: null }, addSeconds: wall });
    // ack timeout 10 min, interval 5 min doubling: reminders at +10, +15, +25; grace over at +45.
    expect(result.levels[0]!.reminders.map((r) => (r.atMs - T0) / MIN)).toEqual([10, 15, 25]);
    expect((result.levels[0]!.leftMs! - T0) / MIN).toBe(45);
  });

  it('uses the injected calendar arithmetic', () => {
    // A "business" clock where every second counts double, to prove the injection is used.
    const fast = (s: number, seconds: number) => s + seconds * 2000;
    const result = simulate({
      snapshot: twoLevels,
      arrivalMs: T0,
      directory: dirOf(),
      ticket: { currentTeamId: null, assigneeId: null },
      addSeconds: fast,
    });
    expect(result.levels[0]?.ackDueMs).toBe(T0 + 20 * MIN);
    expect(result.fallback?.atMs).toBe(T0 + 60 * MIN);
  });

  it('shows skipped levels and stalls', () => {
    const s = snap([
      level('L2', [{ type: 'user', userId: 'sato' }]),
      level('L3', [{ type: 'user', userId: 'mori' }], { advance: false }),
    ]);
    const result = simulate({
      snapshot: s,
      arrivalMs: T0,
      directory: dirOf(['sato']),
      ticket: { currentTeamId: null, assigneeId: null },
      addSeconds: wall,
    });
    expect(result.levels.map((l) => [l.levelIndex, l.skipped, l.leftMs])).toEqual([
      [0, true, null],
      [1, false, null],
    ]);
    expect(result.stalled).toBe(true);
    expect(result.fallback).toBeNull();
  });

  it('is the same as driving step by hand (property: any sequence of people and timers keeps the invariants)', () => {
    const keys = ['user:sato', 'team:legal', 'user:mori', 'fallback'];
    const eventArb: fc.Arbitrary<EscalationEvent> = fc.oneof(
      fc.record({
        type: fc.constant('ack_timeout' as const),
        levelIndex: fc.integer({ min: 0, max: 2 }),
        targetKey: fc.constantFrom(...keys),
      }),
      fc.record({
        type: fc.constant('reminder_due' as const),
        levelIndex: fc.integer({ min: 0, max: 2 }),
        targetKey: fc.constantFrom(...keys),
      }),
      fc.record({
        type: fc.constant('acknowledged' as const),
        userId: fc.constantFrom('sato', 'legal1', 'mori', 'admin', 'sv'),
      }),
      fc.record({ type: fc.constant('advanced' as const), userId: fc.constant('sato') }),
      fc.record({ type: fc.constant('resolved' as const), userId: fc.constant('sato') }),
      fc.record({
        type: fc.constant('returned' as const),
        userId: fc.constant('sato'),
        reason: fc.constant('not_needed' as const),
        text: fc.constant('no'),
      }),
      fc.record({ type: fc.constant('cancelled' as const), userId: fc.constant('agent') }),
    );
    const fan = snap([
      level(
        'A',
        [
          { type: 'user', userId: 'sato' },
          { type: 'team', teamId: 'legal' },
        ],
        { repeatReminders: 1 },
      ),
      level('B', [{ type: 'user', userId: 'mori' }]),
    ]);
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 25 }), (events) => {
        let state: EscalationState = step(
          fan,
          initialState(),
          { type: 'requested', requestedBy: 'agent' },
          ctx(T0),
        ).state;
        let now = T0;
        for (const event of events) {
          now += MIN;
          const before = state;
          try {
            state = step(fan, state, event, ctx(now)).state;
          } catch (e) {
            expect(e).toBeInstanceOf(AppError);
            expect([409, 404]).toContain((e as AppError).status);
            expect(state).toBe(before);
            continue;
          }
          if (['resolved', 'returned', 'cancelled'].includes(before.status)) expect(state).toBe(before);
          expect(state.levelIndex).toBeGreaterThanOrEqual(0);
          expect(state.levelIndex).toBeLessThanOrEqual(fan.levels.length);
          expect(state.stage === 'fallback').toBe(state.levelIndex === fan.levels.length);
          if (state.status === 'acknowledged')
            expect(state.targets.some((t) => t.phase === 'acknowledged')).toBe(true);
          for (const t of state.targets) {
            expect(t.remindersSent).toBeLessThanOrEqual(1);
            expect(t.phase === 'acknowledged').toBe(t.acknowledgedBy !== null);
          }
        }
      }),
    );
  });

  it('never leaves a timer running for an acknowledged target (property over simulated runs)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 3600 }),
        fc.integer({ min: 1, max: 3600 }),
        (reminders, timeout, interval) => {
          const s = snap([
            level(
              'A',
              [{ type: 'user', userId: 'sato' }],
              { repeatReminders: reminders, reminderIntervalSeconds: interval },
              timeout,
            ),
          ]);
          const r = simulate({
            snapshot: s,
            arrivalMs: T0,
            directory: dirOf(),
            ticket: { currentTeamId: null, assigneeId: null },
            addSeconds: wall,
          });
          expect(r.levels[0]?.reminders).toHaveLength(reminders);
          expect(r.levels[0]?.leftMs).toBe(T0 + (timeout + reminders * interval) * 1000);
          expect(r.fallback?.atMs).toBe(r.levels[0]?.leftMs);
          const times = r.steps.map((x) => x.atMs);
          expect([...times].sort((a, b) => a - b)).toEqual(times);
        },
      ),
    );
  });
});
