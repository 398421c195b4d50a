/**
 * The survey mail and the public rating page (server-rendered, no script: CSP default-src
 * 'none'). The links in the mail open the page with the choice pre-selected; only the form's
 * POST records it, so mail scanners that follow links never vote. Every value is escaped.
 */
import { BAD_REASONS } from './satisfaction.types.js';

type Lang = 'ja' | 'en';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const T = {
  ja: {
    subject: (n: number) => `[#${n}] サポートの対応はいかがでしたか`,
    intro: (n: number, s: string) => `お問い合わせ（#${n}）「${s}」は解決済みになりました。今回の対応について、ひとことお聞かせください。`,
    good: '良かった',
    bad: '良くなかった',
    linkNote: 'リンクを開くと回答ページが表示されます。送信ボタンを押すまで回答は記録されません。',
    title: 'サポートの評価',
    question: '今回の対応はいかがでしたか',
    reason: '良くなかった理由（任意）',
    reasons: { slow: '対応が遅かった', not_resolved: '解決しなかった', unhelpful: '役に立たなかった', rude: '対応が失礼だった', other: 'その他' },
    comment: 'コメント（任意）',
    submit: '送信する',
    thanks: 'ご回答ありがとうございました。',
    thanksBad: 'ご回答ありがとうございました。担当チームが内容を確認します。',
    expired: 'このアンケートの有効期限が切れました。',
    used: 'このアンケートには回答済みです。ありがとうございました。',
    unknown: 'このリンクは無効です。',
  },
  en: {
    subject: (n: number) => `[#${n}] How did we do?`,
    intro: (n: number, s: string) => `Your request #${n} "${s}" has been solved. Please tell us how we did.`,
    good: 'Good',
    bad: 'Not good',
    linkNote: 'The link opens a page; nothing is recorded until you press Send there.',
    title: 'Rate our support',
    question: 'How was our support this time?',
    reason: 'What went wrong (optional)',
    reasons: { slow: 'Too slow', not_resolved: 'Not resolved', unhelpful: 'Not helpful', rude: 'Impolite', other: 'Other' },
    comment: 'Comment (optional)',
    submit: 'Send',
    thanks: 'Thank you for your feedback.',
    thanksBad: 'Thank you for your feedback. The team will look into it.',
    expired: 'This survey has expired.',
    used: 'This survey was answered already. Thank you.',
    unknown: 'This link is not valid.',
  },
} as const;

export function surveyMail(lang: Lang, m: { number: number; subject: string; goodUrl: string; badUrl: string }): { subject: string; text: string; html: string } {
  const t = T[lang];
  const text = `${t.intro(m.number, m.subject)}\n\n${t.good}: ${m.goodUrl}\n${t.bad}: ${m.badUrl}\n\n${t.linkNote}\n`;
  const html = `<p>${esc(t.intro(m.number, m.subject))}</p><p><a href="${esc(m.goodUrl)}">${esc(t.good)}</a> ｜ <a href="${esc(m.badUrl)}">${esc(t.bad)}</a></p><p style="color:#666">${esc(t.linkNote)}</p>`;
  return { subject: t.subject(m.number).slice(0, 300), text, html };
}

const shell = (lang: Lang, title: string, body: string) =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>
<style>body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}fieldset{border:0;padding:0}label{display:block;margin:.5rem 0}textarea,select{width:100%;font:inherit}textarea{min-height:6rem}button{font:inherit;padding:.5rem 1.5rem;margin-top:1rem}.meta{color:#555}</style></head><body>${body}</body></html>`;

export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The page a rating link opens: the choice pre-selected, comment and reason, a Send button. */
export function ratingPage(lang: Lang, p: { number?: number; subject?: string; preselect: 'good' | 'bad' | null; action: string }): string {
  const t = T[lang];
  const radio = (v: 'good' | 'bad') => `<label><input type="radio" name="rating" value="${v}"${p.preselect === v ? ' checked' : ''} required> ${esc(t[v])}</label>`;
  const reasons = BAD_REASONS.map((r) => `<option value="${r}">${esc(t.reasons[r])}</option>`).join('');
  const body = `<h1>${esc(t.title)}</h1>${p.number ? `<p class="meta">#${p.number} ${esc(p.subject ?? '')}</p>` : ''}
<form method="post" action="${esc(p.action)}"><fieldset><legend>${esc(t.question)}</legend>${radio('good')}${radio('bad')}</fieldset>
<label for="reason">${esc(t.reason)}</label><select id="reason" name="reason"><option value=""></option>${reasons}</select>
<label for="comment">${esc(t.comment)}</label><textarea id="comment" name="comment" maxlength="2000"></textarea>
<button type="submit">${esc(t.submit)}</button></form>`;
  return shell(lang, t.title, body);
}

export function messagePage(lang: Lang, kind: 'thanks' | 'thanksBad' | 'expired' | 'used' | 'unknown'): string {
  const t = T[lang];
  // An unknown (or cut) link names no survey, so the customer's language is not known: both.
  if (kind === 'unknown') {
    const other = T[lang === 'ja' ? 'en' : 'ja'];
    const otherLang = lang === 'ja' ? 'en' : 'ja';
    return shell(lang, `${t.title} / ${other.title}`, `<h1>${esc(t.title)}</h1><p role="status">${esc(t.unknown)}</p><p lang="${otherLang}">${esc(other.unknown)}</p>`);
  }
  return shell(lang, t.title, `<h1>${esc(t.title)}</h1><p role="status">${esc(t[kind])}</p>`);
}
