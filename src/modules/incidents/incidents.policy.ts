/**
 * Pure rules of major incidents: the cadence clocks, candidate detection, the settings'
 * validation and the customer-facing RCA. No I/O; time is passed in.
 */
import type { FieldProblem } from '../../lib/errors.js';
import {
  SEVERITIES,
  type CadenceTargets,
  type Candidate,
  type CandidateSettings,
  type CandidateTicket,
  type IncidentSettings,
  type Severity,
} from './incidents.types.js';

const MIN = 60_000;

export const DEFAULT_SETTINGS: IncidentSettings = {
  severities: {
    SEV1: { meaning: { ja: '全面停止・多数の顧客に影響', en: 'Outage affecting many customers' }, firstInternalMinutes: 15, firstCustomerMinutes: 60, updateIntervalMinutes: 30, resolveTargetMinutes: 240 },
    SEV2: { meaning: { ja: '主要機能の障害', en: 'Major function impaired' }, firstInternalMinutes: 30, firstCustomerMinutes: 120, updateIntervalMinutes: 60, resolveTargetMinutes: 480 },
    SEV3: { meaning: { ja: '一部機能の障害', en: 'Partial impairment' }, firstInternalMinutes: 60, firstCustomerMinutes: 240, updateIntervalMinutes: 120, resolveTargetMinutes: 1440 },
    SEV4: { meaning: { ja: '軽微な障害', en: 'Minor impairment' }, firstInternalMinutes: 120, firstCustomerMinutes: 480, updateIntervalMinutes: 240, resolveTargetMinutes: 4320 },
  },
  commanderAfterMinutes: 10,
  slaRule: 'pause',
  candidates: { minTickets: 5, windowMinutes: 30, subjectSimilarity: 0.5 },
  escalationPathId: null,
  outreachTeamId: null,
};

/** The path an incident of this severity escalates along when its resolution target passes (null: none). */
export function resolveEscalationPath(s: IncidentSettings, severity: Severity): string | null {
  return s.severities[severity]?.escalationPathId ?? s.escalationPathId ?? null;
}

/** The instant an incident's resolution target passes: its start plus its severity's target (a snapshot at declaration). */
export function resolveTargetAt(t: Pick<CadenceTargets, 'resolveTargetMinutes'>, startedAt: number): number {
  return startedAt + t.resolveTargetMinutes * MIN;
}

/** Problems of a settings document, as field paths with a message; empty when it is valid. */
export function settingsProblems(s: IncidentSettings): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const sev of SEVERITIES) {
    const d = s.severities[sev];
    if (!d) {
      problems.push({ field: `severities.${sev}`, message: 'is missing', code: 'required' });
      continue;
    }
    if (d.firstInternalMinutes > d.firstCustomerMinutes)
      problems.push({ field: `severities.${sev}.firstInternalMinutes`, message: 'must not be later than firstCustomerMinutes (staff hear first)', code: 'internal_after_customer' });
  }
  if (s.candidates.minTickets < 2) problems.push({ field: 'candidates.minTickets', message: 'must be at least 2', code: 'at_least_two' });
  return problems;
}

export function cadenceTargets(settings: IncidentSettings, severity: Severity): CadenceTargets {
  const { meaning: _m, ...t } = settings.severities[severity];
  return { ...t, commanderAfterMinutes: settings.commanderAfterMinutes };
}

export interface CadenceState {
  declaredAt: number;
  internalOnly: boolean;
  lastInternalUpdateAt: number | null;
  lastCustomerUpdateAt: number | null;
  /** The time the last update promised for the next one. */
  nextUpdateAt: number | null;
}

/**
 * When the next internal and customer updates are due: the first within the severity's
 * first-update targets of the declaration; after that at the time the last update promised
 * (or one interval after it). Internal-only incidents owe customers nothing (null).
 */
export function cadenceDue(t: CadenceTargets, s: CadenceState): { internal: number; customer: number | null } {
  const after = (last: number) => s.nextUpdateAt ?? last + t.updateIntervalMinutes * MIN;
  const internal = s.lastInternalUpdateAt === null ? s.declaredAt + t.firstInternalMinutes * MIN : after(s.lastInternalUpdateAt);
  const customer = s.internalOnly ? null : s.lastCustomerUpdateAt === null ? s.declaredAt + t.firstCustomerMinutes * MIN : after(s.lastCustomerUpdateAt);
  return { internal, customer };
}

/** The instant the next update is promised for: the one asked for, else one interval from now. */
export function nextUpdateInstant(t: CadenceTargets, now: number, requested: number | null | undefined): number {
  return requested ?? now + t.updateIntervalMinutes * MIN;
}

/** Problems of a requested "next update at": in the future, and no later than one day. */
export function nextUpdateProblems(now: number, requested: number | null | undefined): FieldProblem[] {
  if (requested == null) return [];
  if (requested <= now) return [{ field: 'nextUpdateAt', message: 'must be in the future', code: 'must_be_future' }];
  if (requested > now + 24 * 60 * MIN) return [{ field: 'nextUpdateAt', message: 'must be within 24 hours', code: 'within_24_hours' }];
  return [];
}

/** The reminders of one overdue update: the communications lead at the due instant, then the commander. */
export function overdueReminders(t: CadenceTargets, dueAt: number): { stage: 'communications_lead' | 'commander'; at: number }[] {
  return [
    { stage: 'communications_lead', at: dueAt },
    { stage: 'commander', at: dueAt + t.commanderAfterMinutes * MIN },
  ];
}

/** Milliseconds until the next update (negative when overdue): the console's countdown. */
export const countdownMs = (dueAt: number, now: number): number => dueAt - now;

// ---- candidates ------------------------------------------------------------------------------

/** Normalised words of a subject: NFKC, lower case, Latin words and CJK bigrams. */
export function subjectTokens(subject: string): Set<string> {
  const s = subject.normalize('NFKC').toLowerCase();
  const tokens = new Set<string>();
  for (const w of s.match(/[a-z0-9]{2,}/g) ?? []) if (!STOP.has(w)) tokens.add(w);
  for (const run of s.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]+/gu) ?? []) {
    if (run.length === 1) tokens.add(run);
    for (let i = 0; i + 1 < run.length; i++) tokens.add(run.slice(i, i + 2));
  }
  return tokens;
}
const STOP = new Set(['the', 'and', 'for', 'with', 'not', 'can', 'cannot', 'our', 'you', 're', 'fw', 'fwd', 'is', 'are', 'to', 'of', 'in', 'on', 'it']);

/** Jaccard similarity of two token sets (0 when both are empty). */
export function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let common = 0;
  for (const t of a) if (b.has(t)) common++;
  return common / (a.size + b.size - common);
}

/**
 * Clusters of new tickets that look like one problem: at least `minTickets` within any window
 * of `windowMinutes` ending no earlier than `now - windowMinutes`, sharing a category, a
 * product, or subjects at least `subjectSimilarity` alike (single linkage). A ticket is in
 * the first cluster it fits (category, then product, then subject), so suggestions do not repeat.
 */
export function detectCandidates(tickets: CandidateTicket[], s: CandidateSettings, now: number): Candidate[] {
  const since = now - s.windowMinutes * MIN;
  const recent = tickets.filter((t) => t.createdAt >= since && t.createdAt <= now).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const used = new Set<string>();
  const out: Candidate[] = [];
  const take = (kind: Candidate['reason']['kind'], value: string, group: CandidateTicket[]) => {
    const free = group.filter((t) => !used.has(t.id));
    if (free.length < s.minTickets) return;
    for (const t of free) used.add(t.id);
    out.push({ reason: { kind, value }, ticketIds: free.map((t) => t.id), firstAt: free[0]!.createdAt, lastAt: free.at(-1)!.createdAt });
  };
  for (const kind of ['category', 'product'] as const) {
    const groups = new Map<string, CandidateTicket[]>();
    for (const t of recent) {
      const v = t[kind]?.trim().toLowerCase();
      if (!v) continue;
      groups.set(v, [...(groups.get(v) ?? []), t]);
    }
    for (const [, g] of [...groups].sort((a, b) => b[1].length - a[1].length)) take(kind, g.find((t) => t[kind])![kind]!, g);
  }
  // Subjects: single-linkage clusters over the tickets not yet suggested.
  const rest = recent.filter((t) => !used.has(t.id));
  const tokens = rest.map((t) => subjectTokens(t.subject));
  const parent = rest.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < rest.length; i++)
    for (let j = i + 1; j < rest.length; j++) if (similarity(tokens[i]!, tokens[j]!) >= s.subjectSimilarity) parent[find(j)] = find(i);
  const clusters = new Map<number, CandidateTicket[]>();
  rest.forEach((t, i) => clusters.set(find(i), [...(clusters.get(find(i)) ?? []), t]));
  for (const g of clusters.values()) take('subject', g[0]!.subject, g);
  return out;
}

// ---- RCA -------------------------------------------------------------------------------------

export interface InternalRca {
  summary?: string;
  rootCause?: string;
  contributingFactors?: string;
  wentWell?: string;
  wentBadly?: string;
  notes?: string;
}

/** The sections of a customer-facing RCA (障害報告書), per language. */
export interface CustomerRcaSections {
  /** 発生日時 */
  occurred: string;
  /** 影響範囲 */
  impact: string;
  /** 原因 */
  cause: string;
  /** 対応内容 */
  response: string;
  /** 再発防止策 */
  prevention: string;
}

/**
 * A first draft of the customer-facing RCA built from the incident: dates, affected
 * services and the corrective actions' titles. Internal fields (contributing factors, what
 * went well, notes, owners) are never copied; the cause is left for a person to write in
 * words customers may read.
 */
export function draftCustomerRca(i: {
  startedAt: number;
  resolvedAt: number | null;
  services: { ja: string; en: string }[];
  correctiveTitles: string[];
  resolution: { ja: string; en: string } | null;
  timeZone: string;
}): { ja: CustomerRcaSections; en: CustomerRcaSections } {
  const fmt = (ms: number | null, lang: 'ja' | 'en') =>
    ms === null ? (lang === 'ja' ? '継続中' : 'ongoing') : new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: i.timeZone }).format(ms);
  const make = (lang: 'ja' | 'en'): CustomerRcaSections => ({
    occurred: `${fmt(i.startedAt, lang)} – ${fmt(i.resolvedAt, lang)}`,
    impact: i.services.map((s) => s[lang]).join(lang === 'ja' ? '、' : ', '),
    cause: '',
    response: i.resolution?.[lang] ?? '',
    prevention: i.correctiveTitles.map((t) => `- ${t}`).join('\n'),
  });
  return { ja: make('ja'), en: make('en') };
}

export const RCA_SECTION_TITLES: Record<'ja' | 'en', Record<keyof CustomerRcaSections, string>> = {
  ja: { occurred: '発生日時', impact: '影響範囲', cause: '原因', response: '対応内容', prevention: '再発防止策' },
  en: { occurred: 'When it happened', impact: 'Impact', cause: 'Cause', response: 'What we did', prevention: 'Preventing a recurrence' },
};

/** The customer-facing RCA as Markdown (the printable HTML is rendered from the same sections). */
export function rcaMarkdown(title: string, lang: 'ja' | 'en', s: CustomerRcaSections): string {
  const heading = lang === 'ja' ? `# 障害報告書: ${title}` : `# Incident report: ${title}`;
  const parts = (Object.keys(RCA_SECTION_TITLES[lang]) as (keyof CustomerRcaSections)[]).map((k) => `## ${RCA_SECTION_TITLES[lang][k]}\n\n${s[k].trim() || '—'}`);
  return `${heading}\n\n${parts.join('\n\n')}\n`;
}

/** Problems that keep a customer RCA from approval: every section in both languages. */
export function customerRcaProblems(c: { ja?: Partial<CustomerRcaSections>; en?: Partial<CustomerRcaSections> }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const lang of ['ja', 'en'] as const)
    for (const k of Object.keys(RCA_SECTION_TITLES.ja) as (keyof CustomerRcaSections)[])
      if (!c[lang]?.[k]?.trim()) problems.push({ field: `customer.${lang}.${k}`, message: 'must be written before approval', code: 'rca_section_required' });
  return problems;
}

// ---- messages to customers -------------------------------------------------------------------

const STATE_LABEL: Record<'ja' | 'en', Record<string, string>> = {
  ja: { investigating: '調査中', identified: '原因特定', monitoring: '経過観察中', resolved: '解決済み' },
  en: { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved' },
};
export const updateStateLabel = (lang: 'ja' | 'en', state: string): string => STATE_LABEL[lang][state] ?? state;

/** The time zone a customer's mail states times in: Tokyo for Japanese readers, else UTC. */
export const readerTimeZone = (lang: 'ja' | 'en'): string => (lang === 'ja' ? 'Asia/Tokyo' : 'UTC');

/** One formatter per language: building an Intl.DateTimeFormat took ~0.4 ms, once per mail of a fan-out. */
const instantFormats = new Map<'ja' | 'en', Intl.DateTimeFormat>();
export function formatInstant(ms: number, lang: 'ja' | 'en'): string {
  let format = instantFormats.get(lang);
  if (!format) instantFormats.set(lang, (format = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: readerTimeZone(lang) })));
  const f = format.format(ms);
  return lang === 'ja' ? `${f}（日本時間）` : `${f} UTC`;
}

/** The customer's language from their locale: Japanese for ja*, else English. */
export const customerLanguage = (locale: string | null | undefined): 'ja' | 'en' => (locale?.toLowerCase().startsWith('ja') ? 'ja' : 'en');

/**
 * An update as the public reply on a customer's own ticket, in their language: the incident's
 * title, the state, the text, and when the next update comes (every update says so).
 */
export function ticketUpdateText(lang: 'ja' | 'en', u: { title: string; state: string; body: string; nextUpdateAt: number | null }): string {
  const head = lang === 'ja' ? `【障害情報】${u.title}（${updateStateLabel('ja', u.state)}）` : `[Service incident] ${u.title} (${updateStateLabel('en', u.state)})`;
  const next =
    u.nextUpdateAt === null
      ? ''
      : lang === 'ja'
        ? `\n\n次回の更新予定: ${formatInstant(u.nextUpdateAt, 'ja')}`
        : `\n\nNext update by: ${formatInstant(u.nextUpdateAt, 'en')}`;
  return `${head}\n\n${u.body.trim()}${next}`;
}

/**
 * The subject of the ticket Escalon opens for an affected customer who has none (added by
 * organisation or tier): the incident's title, in their language.
 */
export const outreachSubject = (lang: 'ja' | 'en', title: string): string => (lang === 'ja' ? `【障害のお知らせ】${title}` : `Service incident: ${title}`);

/** How bad an impact is: the worst-hit service's owner team answers the outreach tickets. */
const IMPACT_RANK: Record<string, number> = { maintenance: 0, degraded: 1, partial_outage: 2, major_outage: 3 };

/**
 * The team of the tickets Escalon opens for affected customers who never wrote in (outreach
 * tickets): the owner team of the worst-hit affected service (ties: the status page's order),
 * else the commander's team (the first by name when they are in several), else the workspace's
 * outreach team (incident settings), else none. Their replies then reach a team queue, its
 * reports and its restricted-team rules like any other ticket of that team.
 */
export function outreachTeamId(input: {
  services: { ownerTeamId: string | null; impact: string; position: number }[];
  commanderTeams: { id: string; name: string }[];
  settingTeamId: string | null;
}): { teamId: string | null; source: 'service' | 'commander' | 'setting' | null } {
  const owned = input.services
    .filter((s) => s.ownerTeamId !== null)
    .sort((a, b) => (IMPACT_RANK[b.impact] ?? 0) - (IMPACT_RANK[a.impact] ?? 0) || a.position - b.position);
  if (owned[0]) return { teamId: owned[0].ownerTeamId, source: 'service' };
  const teams = [...input.commanderTeams].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  if (teams[0]) return { teamId: teams[0].id, source: 'commander' };
  if (input.settingTeamId) return { teamId: input.settingTeamId, source: 'setting' };
  return { teamId: null, source: null };
}

/** The resolution as the public reply that solves a linked ticket. */
export function ticketResolutionText(lang: 'ja' | 'en', r: { title: string; body: string }): string {
  const head = lang === 'ja' ? `【障害復旧】${r.title}` : `[Service restored] ${r.title}`;
  const tail = lang === 'ja' ? '\n\nご不便をおかけし申し訳ございませんでした。引き続き問題がある場合は、このメールにご返信ください。' : '\n\nWe are sorry for the trouble. If anything is still wrong, just reply to this message.';
  return `${head}\n\n${r.body.trim()}${tail}`;
}

// ---- link suggestions ------------------------------------------------------------------------

export interface LinkProfile {
  /** The incident's title, its services' names and its linked tickets' subjects. */
  texts: string[];
  categories: string[];
  products: string[];
  organizationIds: string[];
}

export interface SuggestionTicket extends CandidateTicket {
  organizationId: string | null;
}

/**
 * New tickets that look like part of the incident, best first: the same category or product as
 * its linked tickets, a subject like its title, services or linked subjects, or the same
 * customer organisation. Each suggestion says why (the console shows it).
 */
export function linkSuggestions(p: LinkProfile, tickets: SuggestionTicket[], threshold: number): { id: string; reasons: string[]; score: number }[] {
  const profile = p.texts.map(subjectTokens);
  const lower = (xs: string[]) => new Set(xs.map((x) => x.trim().toLowerCase()).filter(Boolean));
  const cats = lower(p.categories);
  const prods = lower(p.products);
  const orgs = new Set(p.organizationIds);
  const out: { id: string; reasons: string[]; score: number }[] = [];
  for (const t of tickets) {
    const reasons: string[] = [];
    let score = 0;
    const best = Math.max(0, ...profile.map((x) => similarity(x, subjectTokens(t.subject))));
    const hit = (reason: string, weight: number) => {
      reasons.push(reason);
      score += weight;
    };
    if (best >= threshold) hit('subject', best);
    if (t.category && cats.has(t.category.trim().toLowerCase())) hit('category', 0.5);
    if (t.product && prods.has(t.product.trim().toLowerCase())) hit('product', 0.5);
    if (t.organizationId && orgs.has(t.organizationId)) hit('organization', 0.3);
    if (reasons.length) out.push({ id: t.id, reasons, score });
  }
  return out.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}
