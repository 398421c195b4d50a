/**
 * The public status page, its Atom feed and the customer-facing RCA as HTML: server-rendered,
 * every value escaped, no script. Texts in Japanese and English.
 */
import { formatInstant, RCA_SECTION_TITLES, updateStateLabel, type CustomerRcaSections } from './incidents.policy.js';

export type Lang = 'ja' | 'en';

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const paragraphs = (s: string) =>
  s
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');

const T = {
  ja: {
    title: 'サービス稼働状況',
    allOk: 'すべてのサービスは正常に稼働しています',
    someIssue: '一部のサービスで問題が発生しています',
    incidentOngoing: '障害が発生しています',
    services: 'サービス',
    active: '対応中の障害',
    none: '現在、対応中の障害はありません。',
    history: '過去90日間の障害',
    noHistory: '過去90日間に障害はありませんでした。',
    noOtherHistory: '上記の対応中の障害のほかに、過去90日間の障害はありません。',
    started: '発生',
    resolved: '解決',
    next: '次回更新予定',
    subscribe: 'メールで通知を受け取る',
    email: 'メールアドレス',
    allServices: 'すべてのサービス',
    send: '登録',
    feed: 'Atom フィード',
    report: '障害報告書',
    other: 'English',
    status: { operational: '正常', degraded: 'パフォーマンス低下', partial_outage: '一部停止', major_outage: '停止', maintenance: 'メンテナンス中' } as Record<string, string>,
    checkMail: '確認メールをお送りしました。メール内のリンクを開くと登録が完了します。',
    confirmed: '登録が完了しました。障害の情報をメールでお知らせします。',
    unsubscribed: '配信を停止しました。',
    invalidLink: 'このリンクは無効です。',
  },
  en: {
    title: 'Service status',
    allOk: 'All services are operating normally',
    someIssue: 'Some services are having problems',
    incidentOngoing: 'An incident is in progress',
    services: 'Services',
    active: 'Ongoing incidents',
    none: 'There are no ongoing incidents.',
    history: 'Incidents in the last 90 days',
    noHistory: 'No incidents in the last 90 days.',
    noOtherHistory: 'No other incidents in the last 90 days besides the ongoing one above.',
    started: 'Started',
    resolved: 'Resolved',
    next: 'Next update by',
    subscribe: 'Get notified by email',
    email: 'Email address',
    allServices: 'All services',
    send: 'Subscribe',
    feed: 'Atom feed',
    report: 'Incident report',
    other: '日本語',
    status: { operational: 'Operational', degraded: 'Degraded performance', partial_outage: 'Partial outage', major_outage: 'Major outage', maintenance: 'Under maintenance' } as Record<string, string>,
    checkMail: 'We sent you a confirmation mail. Open its link to complete the subscription.',
    confirmed: 'You are subscribed. We will tell you about incidents by email.',
    unsubscribed: 'You are unsubscribed.',
    invalidLink: 'This link is not valid.',
  },
};
export const statusTexts = (lang: Lang) => T[lang];

const CSS = `body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:860px;margin:0 auto;padding:24px 16px}header{display:flex;justify-content:space-between;align-items:center}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}.banner{padding:14px 18px;border-radius:8px;font-weight:600;color:#fff}
.ok{background:#1f8a4c}.warn{background:#b7791f}.bad{background:#c0392b}.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px 16px;margin:10px 0}
.svc{display:flex;justify-content:space-between;padding:8px 0;border-bottom:1px solid #eef0f3}.svc:last-child{border:0}
.st-operational{color:#1f8a4c}.st-degraded,.st-maintenance{color:#b7791f}.st-partial_outage{color:#d35400}.st-major_outage{color:#c0392b}
.upd{border-left:3px solid #4a6cf7;padding-left:10px;margin:10px 0}.meta{color:#5b6475;font-size:.85rem}
form{display:flex;gap:8px;flex-wrap:wrap}input,select,button{font:inherit;padding:6px 8px}a{color:#2d4fd7}
@media print{body{background:#fff}.noprint{display:none}}`;
export const STATUS_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface StatusService {
  id: string;
  name: { ja: string; en: string };
  status: string;
}
export interface StatusUpdate {
  state: string;
  body: { ja: string; en: string };
  nextUpdateAt: number | null;
  at: number;
}
export interface StatusIncident {
  id: string;
  title: string;
  severity: string;
  state: string;
  startedAt: number;
  resolvedAt: number | null;
  services: { ja: string; en: string; impact: string }[];
  updates: StatusUpdate[];
  rcaShared: boolean;
}

function page(lang: Lang, title: string, body: string, alt: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><link rel="icon" type="image/svg+xml" href="/favicon.ico"><style>${CSS}</style><link rel="alternate" type="application/atom+xml" href="/status/feed.atom?lang=${lang}"></head><body><main>${body}<p class="meta noprint"><a href="${escapeHtml(alt)}" hreflang="${lang === 'ja' ? 'en' : 'ja'}">${T[lang].other}</a></p></main></body></html>`;
}

function incidentCard(lang: Lang, i: StatusIncident): string {
  const t = T[lang];
  const updates = i.updates
    .map((u) => `<div class="upd"><strong>${escapeHtml(updateStateLabel(lang, u.state))}</strong> <span class="meta">${escapeHtml(formatInstant(u.at, lang))}</span>${paragraphs(u.body[lang])}${u.nextUpdateAt ? `<p class="meta">${t.next}: ${escapeHtml(formatInstant(u.nextUpdateAt, lang))}</p>` : ''}</div>`)
    .join('');
  const affected = i.services.map((s) => escapeHtml(s[lang])).join(lang === 'ja' ? '、' : ', ');
  const when = `${t.started}: ${escapeHtml(formatInstant(i.startedAt, lang))}${i.resolvedAt ? ` · ${t.resolved}: ${escapeHtml(formatInstant(i.resolvedAt, lang))}` : ''}`;
  const rca = i.rcaShared ? ` · <a href="/status/incidents/${i.id}/report?lang=${lang}">${t.report}</a>` : '';
  return `<section class="card" id="i-${i.id}"><h3>${escapeHtml(i.title)}</h3><p class="meta">${affected ? `${affected} · ` : ''}${when}${rca}</p>${updates}</section>`;
}

/** How an ongoing incident looks when it names no affected service: by its severity. */
const SEVERITY_IMPACT: Record<string, string> = { SEV1: 'major_outage', SEV2: 'partial_outage', SEV3: 'degraded', SEV4: 'degraded' };
const RANK: Record<string, number> = { operational: 0, maintenance: 1, degraded: 2, partial_outage: 3, major_outage: 4 };
const worse = (a: string, b: string) => ((RANK[b] ?? 0) > (RANK[a] ?? 0) ? b : a);

/**
 * The headline: the worst of the services' states and the ongoing public incidents' impact
 * (their services' impact, else their severity), so the page never says all is well while an
 * incident is in progress, even when no service is listed or none was marked.
 */
export function statusBanner(overall: string, active: StatusIncident[]): { level: string; incident: boolean } {
  let level = overall;
  for (const i of active) {
    const impacts = i.services.map((s) => s.impact).filter((x) => RANK[x] !== undefined);
    level = worse(level, impacts.length ? impacts.reduce(worse, 'degraded') : (SEVERITY_IMPACT[i.severity] ?? 'degraded'));
  }
  return { level, incident: active.length > 0 };
}

export function renderStatusPage(lang: Lang, d: { services: StatusService[]; active: StatusIncident[]; history: StatusIncident[]; overall: string; notice?: string }): string {
  const t = T[lang];
  const b = statusBanner(d.overall, d.active);
  const cls = b.level === 'operational' ? 'ok' : b.level === 'degraded' || b.level === 'maintenance' ? 'warn' : 'bad';
  const text = b.incident ? t.incidentOngoing : b.level === 'operational' ? t.allOk : b.level === 'maintenance' ? t.status.maintenance! : t.someIssue;
  const banner = `<div class="banner ${cls}" role="status" data-level="${escapeHtml(b.level)}">${text}</div>`;
  const services = d.services.map((s) => `<div class="svc"><span>${escapeHtml(s.name[lang])}</span><span class="st-${escapeHtml(s.status)}">${escapeHtml(t.status[s.status] ?? s.status)}</span></div>`).join('');
  const options = d.services.map((s) => `<option value="${escapeHtml(s.id)}">${escapeHtml(s.name[lang])}</option>`).join('');
  const body = `<header><h1>${t.title}</h1><a class="noprint" href="/status/feed.atom?lang=${lang}">${t.feed}</a></header>
${d.notice ? `<div class="card" role="status">${escapeHtml(d.notice)}</div>` : ''}${banner}
<h2>${t.active}</h2>${d.active.length ? d.active.map((i) => incidentCard(lang, i)).join('') : `<p>${t.none}</p>`}
${services ? `<h2>${t.services}</h2><div class="card">${services}</div>` : ''}
<h2>${t.history}</h2>${d.history.length ? d.history.map((i) => incidentCard(lang, i)).join('') : `<p>${d.active.length ? t.noOtherHistory : t.noHistory}</p>`}
<h2 class="noprint">${t.subscribe}</h2><form class="noprint" method="post" action="/status/subscribe"><input type="hidden" name="lang" value="${lang}"><label>${t.email} <input type="email" name="email" required maxlength="254"></label><select name="serviceId" aria-label="${t.services}"><option value="">${t.allServices}</option>${options}</select><button type="submit">${t.send}</button></form>`;
  return page(lang, t.title, body, `/status?lang=${lang === 'ja' ? 'en' : 'ja'}`);
}

export function renderNotice(lang: Lang, message: string): string {
  return page(lang, T[lang].title, `<h1>${T[lang].title}</h1><div class="card" role="status">${escapeHtml(message)}</div><p><a href="/status?lang=${lang}">${T[lang].title}</a></p>`, `/status?lang=${lang === 'ja' ? 'en' : 'ja'}`);
}

const xml = escapeHtml;
export function renderAtom(lang: Lang, baseUrl: string, incidents: StatusIncident[], updatedAt: number): string {
  const entries = incidents
    .flatMap((i) => i.updates.map((u) => ({ i, u })))
    .sort((a, b) => b.u.at - a.u.at)
    .slice(0, 50)
    .map(
      ({ i, u }) =>
        `<entry><id>urn:escalon:incident:${i.id}:${u.at}</id><title>${xml(`${i.title} — ${updateStateLabel(lang, u.state)}`)}</title><updated>${new Date(u.at).toISOString()}</updated><link href="${xml(`${baseUrl}/status?lang=${lang}#i-${i.id}`)}"/><content type="text">${xml(u.body[lang])}</content></entry>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}"><id>${xml(`${baseUrl}/status`)}</id><title>${xml(T[lang].title)}</title><updated>${new Date(updatedAt).toISOString()}</updated><link rel="self" href="${xml(`${baseUrl}/status/feed.atom?lang=${lang}`)}"/><link href="${xml(`${baseUrl}/status?lang=${lang}`)}"/>${entries}</feed>`;
}

/** The customer-facing RCA (障害報告書) as printable HTML. */
export function renderRcaHtml(lang: Lang, title: string, s: CustomerRcaSections): string {
  const heading = lang === 'ja' ? `障害報告書: ${title}` : `Incident report: ${title}`;
  const sections = (Object.keys(RCA_SECTION_TITLES[lang]) as (keyof CustomerRcaSections)[]).map((k) => `<h2>${RCA_SECTION_TITLES[lang][k]}</h2>${paragraphs(s[k] || '—')}`).join('');
  return page(lang, heading, `<h1>${escapeHtml(heading)}</h1><article class="card">${sections}</article>`, `?lang=${lang === 'ja' ? 'en' : 'ja'}`);
}

/** Language of the reader: ?lang, else the first of Accept-Language we speak, else Japanese. */
export function pickLang(query: string | undefined, acceptLanguage: string | undefined): Lang {
  if (query === 'ja' || query === 'en') return query;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((p) => {
      const [tag, ...params] = p.trim().toLowerCase().split(';');
      const q = params.find((x) => x.trim().startsWith('q='));
      return { tag: tag ?? '', q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((x) => x.tag && Number.isFinite(x.q) && x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const r of ranked) {
    if (r.tag.startsWith('ja')) return 'ja';
    if (r.tag.startsWith('en')) return 'en';
  }
  return 'ja';
}
