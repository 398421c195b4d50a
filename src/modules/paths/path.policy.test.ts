import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePaths, diffPathVersions, matchPaths, normaliseText, validatePath } from './path.policy.js';
import {
  PATH_CHANNELS,
  PATH_PRIORITIES,
  CUSTOMER_TEMPERATURES,
  type Level,
  type MatchTicket,
  type Path,
  type PathConditions,
} from './path.types.js';

const noConditions: PathConditions = {
  categories: [],
  products: [],
  tags: [],
  tagMode: 'any',
  priorities: [],
  channels: [],
  customerTiers: [],
  customerTemperatures: [],
  keywords: [],
};

const level = (over: Partial<Level> = {}): Level => ({
  name: 'L2 billing',
  kind: 'functional',
  targets: [{ type: 'team', teamId: 'billing' }],
  contact: { department: 'Billing', person: null, phone: null, email: null },
  ackTimeoutSeconds: 1800,
  calendarId: null,
  onTimeout: { advance: true, repeatReminders: 2, reminderIntervalSeconds: 600 },
  requiredBriefFields: ['ask'],
  ...over,
});

const path = (id: string, conditions: Partial<PathConditions> = {}, over: Partial<Path> = {}): Path => ({
  id,
  version: 1,
  name: `path ${id}`,
  purpose: '',
  ownerId: 'owner',
  reviewIntervalDays: 90,
  active: true,
  conditions: { ...noConditions, ...conditions },
  levels: [level()],
  fallbackUserIds: ['admin'],
  fallbackTeamId: null,
  ...over,
});

const ticket = (over: Partial<MatchTicket> = {}): MatchTicket => ({
  category: 'billing-dispute',
  product: 'Cloud',
  tags: ['vip'],
  priority: 'high',
  channel: 'email',
  customerTier: 'gold',
  temperature: 'angry',
  subject: 'Refund please',
  body: 'I was charged twice.',
  ...over,
});

const dir = { userIds: ['owner', 'admin', 'sato'], teamIds: ['billing', 'legal'], rotationIds: ['oncall'] };

describe('validatePath', () => {
  it('accepts a good path', () => {
    expect(validatePath(path('p'), dir)).toEqual([]);
  });
  it('needs levels, and targets in every level', () => {
    expect(validatePath(path('p', {}, { levels: [] }), dir)).toEqual([
      { field: 'levels', message: 'a path needs at least one level', code: 'no_levels' },
    ]);
    expect(
      validatePath(path('p', {}, { levels: [level({ targets: [] })] }), dir).map((p) => p.field),
    ).toEqual(['levels[0].targets']);
  });
  it('finds targets missing from the directory', () => {
    const p = path(
      'p',
      {},
      {
        levels: [
          level({
            targets: [
              { type: 'user', userId: 'ghost' },
              { type: 'team', teamId: 'nope' },
              { type: 'rotation', rotationId: 'gone' },
              { type: 'role', role: 'manager_of_current_team' },
            ],
          }),
        ],
        fallbackUserIds: ['ghost2'],
        fallbackTeamId: 'x',
        ownerId: 'nobody',
      },
    );
    expect(validatePath(p, dir).map((x) => x.field)).toEqual([
      'ownerId',
      'levels[0].targets[0].userId',
      'levels[0].targets[1].teamId',
      'levels[0].targets[2].rotationId',
      'fallbackUserIds[0]',
      'fallbackTeamId',
    ]);
  });
  it('rejects bad timings, duplicates and unknown brief fields', () => {
    const bad = level({
      targets: [
        { type: 'team', teamId: 'billing' },
        { type: 'team', teamId: 'billing' },
      ],
      ackTimeoutSeconds: -5,
      onTimeout: { advance: true, repeatReminders: 2, reminderIntervalSeconds: 0 },
      requiredBriefFields: ['ask', 'favouriteColour' as never],
    });
    const problems = validatePath(
      path('p', { keywords: ['  '] }, { levels: [bad], reviewIntervalDays: 0 }),
      dir,
    );
    expect(problems.map((x) => x.field)).toEqual([
      'reviewIntervalDays',
      'conditions.keywords[0]',
      'levels[0].targets[1]',
      'levels[0].ackTimeoutSeconds',
      'levels[0].onTimeout.reminderIntervalSeconds',
      'levels[0].requiredBriefFields[1]',
    ]);
    expect(problems[2]?.message).toContain('duplicate target team:billing');
    expect(
      validatePath(
        path(
          'p',
          {},
          {
            levels: [
              level({ onTimeout: { advance: false, repeatReminders: -1, reminderIntervalSeconds: -1 } }),
            ],
          },
        ),
        dir,
      ).map((x) => x.field),
    ).toEqual(['levels[0].onTimeout.repeatReminders', 'levels[0].onTimeout.reminderIntervalSeconds']);
  });
  it('accepts Sets as the directory', () => {
    expect(
      validatePath(path('p'), {
        userIds: new Set(dir.userIds),
        teamIds: new Set(dir.teamIds),
        rotationIds: new Set(),
      }),
    ).toEqual([]);
  });
});

describe('matchPaths', () => {
  const match = (paths: Path[], t: MatchTicket) => matchPaths(compilePaths(paths), t);

  it('matches each condition and says why', () => {
    const [m] = match(
      [
        path('all', {
          categories: ['billing-dispute'],
          products: ['cloud'],
          tags: ['VIP'],
          priorities: ['high', 'urgent'],
          channels: ['email'],
          customerTiers: ['Gold'],
          customerTemperatures: ['angry'],
          keywords: ['refund', 'charged'],
        }),
      ],
      ticket(),
    );
    expect(m?.facts.slice(0, 3)).toEqual([
      { code: 'category', values: ['billing-dispute'] },
      { code: 'product', values: ['Cloud'] },
      { code: 'tag', values: ['VIP'] },
    ]);
    expect(m?.reasons).toEqual([
      'category = billing-dispute',
      'product = Cloud',
      "tag 'VIP'",
      'priority = high',
      'channel = email',
      'customer tier = gold',
      'customer temperature = angry',
      "keyword 'refund' in subject",
      "keyword 'charged' in body",
    ]);
    expect(m?.score).toBe(8);
  });

  it('requires every stated condition', () => {
    const paths = [path('cat', { categories: ['billing-dispute'], priorities: ['urgent'] })];
    expect(match(paths, ticket())).toEqual([]);
    expect(match(paths, ticket({ priority: 'urgent' }))).toHaveLength(1);
    expect(match([path('c', { categories: ['x'] })], ticket({ category: null }))).toEqual([]);
    expect(match([path('t', { customerTiers: ['gold'] })], ticket({ customerTier: null }))).toEqual([]);
  });

  it('supports tags any and all', () => {
    const any = path('any', { tags: ['vip', 'legal'], tagMode: 'any' });
    const all = path('all', { tags: ['vip', 'legal'], tagMode: 'all' });
    expect(match([any, all], ticket({ tags: ['vip'] })).map((m) => m.pathId)).toEqual(['any']);
    const both = match([any, all], ticket({ tags: ['legal', 'vip'] }));
    expect(both.map((m) => m.pathId)).toEqual(['any', 'all']);
    expect(both[1]?.reasons).toEqual(["tags all of 'vip', 'legal'"]);
  });

  it('finds Japanese and full-width keywords case-insensitively', () => {
    const jp = path('jp', { keywords: ['返金', 'ＲＥＦＵＮＤ'] });
    expect(
      match([jp], ticket({ subject: '請求について', body: '二重に請求されたので返金してください' }))[0]
        ?.reasons,
    ).toEqual(["keyword '返金' in body"]);
    expect(match([jp], ticket({ subject: 'REFUND now', body: '' }))[0]?.reasons).toEqual([
      "keyword 'ＲＥＦＵＮＤ' in subject",
    ]);
    expect(
      match([path('kana', { keywords: ['ｷｬﾝｾﾙ'] })], ticket({ subject: '契約をキャンセルしたい' })),
    ).toHaveLength(1);
    expect(match([jp], ticket({ subject: 'hello', body: 'world' }))).toEqual([]);
    expect(
      match([path('one-char', { keywords: ['金'] })], ticket({ subject: '', body: '料金' }))[0]?.reasons,
    ).toEqual(["keyword '金' in body"]);
  });

  it('orders by specificity, then the given order; skips inactive paths; a catch-all matches all', () => {
    const paths = [
      path('catch-all'),
      path('inactive', { categories: ['billing-dispute'] }, { active: false }),
      path('one', { channels: ['email'] }),
      path('two', { channels: ['email'], priorities: ['high'] }),
      path('one-b', { priorities: ['high'] }),
    ];
    const result = match(paths, ticket());
    expect(result.map((m) => m.pathId)).toEqual(['two', 'one', 'one-b', 'catch-all']);
    expect(result[3]?.reasons).toEqual(['no conditions (matches every ticket)']);
  });

  // The compiled matcher must agree with the obvious definition.
  it('agrees with a naive matcher (property)', () => {
    const word = fc.constantFrom('refund', 'legal', '返金', 'outage', 'vip', 'gold', 'Cloud', 'billing');
    const few = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { maxLength: 3 });
    const conditionsArb = fc.record({
      categories: few(word),
      products: few(word),
      tags: few(word),
      tagMode: fc.constantFrom('any' as const, 'all' as const),
      priorities: few(fc.constantFrom(...PATH_PRIORITIES)),
      channels: few(fc.constantFrom(...PATH_CHANNELS)),
      customerTiers: few(word),
      customerTemperatures: few(fc.constantFrom(...CUSTOMER_TEMPERATURES)),
      keywords: few(word),
    });
    const ticketArb = fc.record({
      category: fc.option(word),
      product: fc.option(word),
      tags: few(word),
      priority: fc.constantFrom(...PATH_PRIORITIES),
      channel: fc.constantFrom(...PATH_CHANNELS),
      customerTier: fc.option(word),
      temperature: fc.constantFrom(...CUSTOMER_TEMPERATURES),
      subject: fc.array(word, { maxLength: 3 }).map((w) => w.join(' ')),
      body: fc.array(word, { maxLength: 3 }).map((w) => w.join(' ').toUpperCase()),
    });
    const naive = (c: PathConditions, t: MatchTicket): boolean => {
      const n = normaliseText;
      const inList = (list: string[], v: string | null) =>
        list.length === 0 || (v !== null && list.map(n).includes(n(v)));
      const tags = t.tags.map(n);
      const tagOk =
        c.tags.length === 0 ||
        (c.tagMode === 'all'
          ? c.tags.every((x) => tags.includes(n(x)))
          : c.tags.some((x) => tags.includes(n(x))));
      const text = n(`${t.subject}\n${t.body}`);
      const kwOk = c.keywords.length === 0 || c.keywords.some((k) => text.includes(n(k)));
      return (
        inList(c.categories, t.category) &&
        inList(c.products, t.product) &&
        inList(c.priorities, t.priority) &&
        inList(c.channels, t.channel) &&
        inList(c.customerTiers, t.customerTier) &&
        inList(c.customerTemperatures, t.temperature) &&
        tagOk &&
        kwOk
      );
    };
    fc.assert(
      fc.property(fc.array(conditionsArb, { maxLength: 8 }), ticketArb, (conds, t) => {
        const paths = conds.map((c, i) => path(`p${i}`, c));
        const got = new Set(matchPaths(compilePaths(paths), t).map((m) => m.pathId));
        const want = new Set(paths.filter((p) => naive(p.conditions, t)).map((p) => p.id));
        expect(got).toEqual(want);
      }),
    );
  });
});

describe('diffPathVersions', () => {
  it('lists field-level changes with paths', () => {
    const a = path('p', { tags: ['vip'] }, { levels: [level(), level({ name: 'L3' })] });
    const b = structuredClone(a);
    b.version = 2;
    (b.levels[1] as Level).ackTimeoutSeconds = 900;
    b.conditions.tags = ['vip', 'legal'];
    b.levels.push(level({ name: 'L4' }));
    expect(diffPathVersions(a, b)).toEqual([
      { path: 'conditions.tags', change: 'changed', before: ['vip'], after: ['vip', 'legal'] },
      { path: 'levels[1].ackTimeoutSeconds', change: 'changed', before: 1800, after: 900 },
      { path: 'levels[2]', change: 'added', after: b.levels[2] },
    ]);
    expect(diffPathVersions(b, a).find((c) => c.path === 'levels[2]')).toEqual({ path: 'levels[2]', change: 'removed', before: b.levels[2] });
  });
  it('sees a target change inside a level and a null change', () => {
    const a = path('p');
    const b = structuredClone(a);
    (b.levels[0] as Level).targets = [{ type: 'user', userId: 'sato' }];
    b.fallbackTeamId = 'legal';
    expect(diffPathVersions(a, b)).toEqual([
      { path: 'levels[0].targets[0].type', change: 'changed', before: 'team', after: 'user' },
      { path: 'levels[0].targets[0].teamId', change: 'removed', before: 'billing' },
      { path: 'levels[0].targets[0].userId', change: 'added', after: 'sato' },
      { path: 'fallbackTeamId', change: 'changed', before: null, after: 'legal' },
    ]);
  });
  it('is empty exactly when nothing changed (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10000 }),
        fc.integer({ min: 1, max: 10000 }),
        fc.boolean(),
        (t1, t2, adv) => {
          const a = path('p', {}, { levels: [level({ ackTimeoutSeconds: t1 })] });
          const b = path(
            'p',
            {},
            {
              levels: [
                level({
                  ackTimeoutSeconds: t2,
                  onTimeout: { advance: adv, repeatReminders: 2, reminderIntervalSeconds: 600 },
                }),
              ],
            },
          );
          const d = diffPathVersions(a, b);
          expect(d.length === 0).toBe(t1 === t2 && adv);
          expect(diffPathVersions(a, a)).toEqual([]);
        },
      ),
    );
  });
});
