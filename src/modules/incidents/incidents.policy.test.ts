import { describe, expect, it } from 'vitest';
import { cadenceDue, cadenceTargets, customerRcaProblems, DEFAULT_SETTINGS, detectCandidates, draftCustomerRca, linkSuggestions, nextUpdateProblems, outreachTeamId, overdueReminders, rcaMarkdown, settingsProblems, similarity, subjectTokens } from './incidents.policy.js';
import type { CandidateTicket } from './incidents.types.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 2, 9, 0);

describe('cadence', () => {
  const sev1 = cadenceTargets(DEFAULT_SETTINGS, 'SEV1');
  const fresh = { declaredAt: T0, internalOnly: false, lastInternalUpdateAt: null, lastCustomerUpdateAt: null, nextUpdateAt: null };

  it('owes the first updates within the severity targets of the declaration', () => {
    expect(cadenceDue(sev1, fresh)).toEqual({ internal: T0 + 15 * MIN, customer: T0 + 60 * MIN });
  });

  it('after an update, the next is due when it promised, else one interval later', () => {
    const afterPublic = { ...fresh, lastInternalUpdateAt: T0 + 10 * MIN, lastCustomerUpdateAt: T0 + 10 * MIN };
    expect(cadenceDue(sev1, afterPublic)).toEqual({ internal: T0 + 40 * MIN, customer: T0 + 40 * MIN });
    expect(cadenceDue(sev1, { ...afterPublic, nextUpdateAt: T0 + 25 * MIN })).toEqual({ internal: T0 + 25 * MIN, customer: T0 + 25 * MIN });
  });

  it('an internal update leaves the customers\' first update owed', () => {
    const s = { ...fresh, lastInternalUpdateAt: T0 + 5 * MIN };
    expect(cadenceDue(sev1, s).customer).toBe(T0 + 60 * MIN);
    expect(cadenceDue(sev1, s).internal).toBe(T0 + 35 * MIN);
  });

  it('internal-only incidents owe customers nothing', () => {
    expect(cadenceDue(sev1, { ...fresh, internalOnly: true }).customer).toBeNull();
  });

  it('reminds the communications lead at the due instant, then the commander', () => {
    expect(overdueReminders(sev1, T0)).toEqual([
      { stage: 'communications_lead', at: T0 },
      { stage: 'commander', at: T0 + 10 * MIN },
    ]);
  });

  it('a promised next update is in the future and within a day', () => {
    expect(nextUpdateProblems(T0, T0)).toHaveLength(1);
    expect(nextUpdateProblems(T0, T0 + 25 * 60 * MIN)).toHaveLength(1);
    expect(nextUpdateProblems(T0, T0 + MIN)).toEqual([]);
    expect(nextUpdateProblems(T0, null)).toEqual([]);
  });

  it('staff cannot be told later than customers', () => {
    const bad = structuredClone(DEFAULT_SETTINGS);
    bad.severities.SEV2.firstInternalMinutes = 500;
    expect(settingsProblems(bad).map((p) => p.field)).toEqual(['severities.SEV2.firstInternalMinutes']);
    expect(settingsProblems(DEFAULT_SETTINGS)).toEqual([]);
  });
});

describe('candidate detection', () => {
  const s = { minTickets: 3, windowMinutes: 30, subjectSimilarity: 0.4 };
  let n = 1000;
  const t = (minutesAgo: number, subject: string, extra: Partial<CandidateTicket> = {}): CandidateTicket => ({ id: `t${++n}`, number: n, subject, category: null, product: null, createdAt: T0 - minutesAgo * MIN, ...extra });

  it('suggests N tickets of one category within M minutes', () => {
    const ts = [t(1, 'a', { category: 'Login' }), t(5, 'b', { category: 'login' }), t(20, 'c', { category: 'Login' }), t(2, 'd', { category: 'billing' })];
    const c = detectCandidates(ts, s, T0);
    expect(c).toHaveLength(1);
    expect(c[0]!.reason).toEqual({ kind: 'category', value: 'Login' });
    expect(c[0]!.ticketIds).toHaveLength(3);
  });

  it('leaves out tickets older than the window, and fewer than N', () => {
    const ts = [t(1, 'a', { product: 'API' }), t(5, 'b', { product: 'API' }), t(45, 'c', { product: 'API' })];
    expect(detectCandidates(ts, s, T0)).toEqual([]);
  });

  it('clusters similar subjects in Japanese and English', () => {
    const ts = [t(1, 'ログインできない'), t(2, 'ログインできません'), t(3, '【至急】ログインできない件'), t(4, '請求書の再発行'), t(5, 'Cannot log in to dashboard'), t(6, 'cannot log in dashboard'), t(7, 'Log in dashboard error')];
    const c = detectCandidates(ts, s, T0);
    expect(c.map((x) => x.reason.kind)).toEqual(['subject', 'subject']);
    expect(c.map((x) => x.ticketIds.length).sort()).toEqual([3, 3]);
  });

  it('a ticket is suggested once, in its first cluster', () => {
    const ts = [t(1, 'x', { category: 'Login', product: 'API' }), t(2, 'y', { category: 'Login', product: 'API' }), t(3, 'z', { category: 'Login', product: 'API' })];
    const c = detectCandidates(ts, s, T0);
    expect(c).toHaveLength(1);
    expect(c[0]!.reason.kind).toBe('category');
  });

  it('full- and half-width forms compare alike', () => {
    expect(similarity(subjectTokens('ＡＰＩ　エラー'), subjectTokens('API エラー'))).toBe(1);
  });
});

describe('customer RCA', () => {
  it('is drafted without internal fields and needs every section in both languages', () => {
    const d = draftCustomerRca({ startedAt: T0, resolvedAt: T0 + 90 * MIN, services: [{ ja: '決済', en: 'Payments' }], correctiveTitles: ['Add a canary'], resolution: { ja: '復旧しました', en: 'Restored' }, timeZone: 'Asia/Tokyo' });
    expect(d.ja.impact).toBe('決済');
    expect(d.en.response).toBe('Restored');
    expect(d.en.prevention).toBe('- Add a canary');
    expect(JSON.stringify(d)).not.toMatch(/contributing|wentWell/);
    expect(customerRcaProblems(d).map((p) => p.field)).toEqual(['customer.ja.cause', 'customer.en.cause']);
    expect(rcaMarkdown('決済停止', 'ja', { ...d.ja, cause: 'DB' })).toContain('## 再発防止策\n\n- Add a canary');
  });
});

describe('link suggestions', () => {
  const base = { number: 1, createdAt: 0, category: null, product: null, organizationId: null };
  it('suggests new tickets by subject, category, product and organisation, best first', () => {
    const profile = { texts: ['ログイン障害 / Login outage', 'ログインできない'], categories: ['Auth'], products: [], organizationIds: ['org1'] };
    const r = linkSuggestions(profile, [
      { ...base, id: 'a', subject: 'ログインできません' },
      { ...base, id: 'b', subject: '請求書について', category: 'auth' },
      { ...base, id: 'c', subject: '請求書について', organizationId: 'org1' },
      { ...base, id: 'd', subject: '請求書について' },
    ], 0.4);
    expect(r.map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(r[0]!.reasons).toEqual(['subject']);
    expect(r[1]!.reasons).toEqual(['category']);
  });
});

describe('the team of outreach tickets', () => {
  const none = { services: [], commanderTeams: [], settingTeamId: null };
  it('is the owner team of the worst-hit affected service, ties in the status page order', () => {
    const services = [
      { ownerTeamId: 'web', impact: 'degraded', position: 0 },
      { ownerTeamId: null, impact: 'major_outage', position: 1 },
      { ownerTeamId: 'auth', impact: 'partial_outage', position: 3 },
      { ownerTeamId: 'db', impact: 'partial_outage', position: 2 },
    ];
    expect(outreachTeamId({ ...none, services, commanderTeams: [{ id: 'ops', name: 'Ops' }], settingTeamId: 'desk' })).toEqual({ teamId: 'db', source: 'service' });
  });
  it('else the commander’s team (the first by name), else the workspace setting, else none', () => {
    const services = [{ ownerTeamId: null, impact: 'major_outage', position: 0 }];
    expect(outreachTeamId({ services, commanderTeams: [{ id: 'z', name: 'Support' }, { id: 'a', name: 'Ops' }], settingTeamId: 'desk' })).toEqual({ teamId: 'a', source: 'commander' });
    expect(outreachTeamId({ ...none, services, settingTeamId: 'desk' })).toEqual({ teamId: 'desk', source: 'setting' });
    expect(outreachTeamId(none)).toEqual({ teamId: null, source: null });
  });
});
