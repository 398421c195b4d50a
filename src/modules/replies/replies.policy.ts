/**
 * Pure rules of replies to customers: who a reply goes to, how its subject threads, which
 * language its footer speaks, which addresses are machines that must never get automatic mail.
 */

import { markdownMailHtml, markdownMailText } from './markdown-mail.js';

export type ReplyChannel = 'email' | 'messaging' | 'none';
export type ReplyLanguage = 'ja' | 'en';

/** Why a reply cannot go out, or what the agent should know first (rendered by the console). */
export type ReplyWarning =
  | { code: 'no_address' }
  | { code: 'no_outbound_url' }
  | { code: 'automated_address'; address: string }
  /** A hard bounce said mail to this address is refused (status such as 5.1.1, when known). */
  | { code: 'address_bouncing'; address: string; status?: string };

export interface ReplyTarget {
  channel: ReplyChannel;
  to: string | null;
  cc: string[];
  deliverable: boolean;
  warnings: ReplyWarning[];
}

const AUTOMATED_LOCAL = /^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|auto[-_.]?reply|daemon)([-+_.].*)?$/i;

/** An address that looks like a machine's (mailer-daemon, postmaster, no-reply…), or none at all. */
export function looksAutomated(address: string | null | undefined): boolean {
  if (!address || address.trim() === '' || address.trim() === '<>') return true;
  const local = address.trim().toLowerCase().split('@')[0] ?? '';
  return AUTOMATED_LOCAL.test(local);
}

/** At most this many automatic mails per address per hour stop any loop left over. */
export const AUTOMATIC_MAIL_CAP = { max: 5, windowMs: 3600_000 } as const;

export const allowsAutomaticMail = (address: string | null | undefined, sentInWindow: number): boolean =>
  !looksAutomated(address) && sentInWindow < AUTOMATIC_MAIL_CAP.max;

/** `Re: <subject> [#1042]`, without piling up Re: prefixes or ticket numbers. */
export function replySubject(subject: string, number: number): string {
  let s = subject.replace(/[[【]\s*#\s*\d+\s*[\]】]/g, ' ').trim();
  for (;;) {
    const next = s.replace(/^\s*(re|aw|sv|fw|fwd)\s*[:：]\s*/i, '');
    if (next === s) break;
    s = next;
  }
  s = s.replace(/\s+/g, ' ').trim() || '(no subject)';
  return `Re: ${s} [#${number}]`.slice(0, 500);
}

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]/;

/** The customer's language: their locale when set to one we speak, else Japanese text in the ticket says ja. */
export function replyLanguage(customerLocale: string | null | undefined, ...texts: string[]): ReplyLanguage {
  const l = (customerLocale ?? '').toLowerCase();
  if (l.startsWith('ja')) return 'ja';
  if (l.startsWith('en')) return 'en';
  return texts.some((t) => JAPANESE.test(t)) ? 'ja' : 'en';
}

/** Requester plus CCs, without duplicates, our own addresses or the requester twice. */
export function replyRecipients(requester: string | null, cc: string[], own: string[]): { to: string | null; cc: string[] } {
  const ownSet = new Set(own.map((a) => a.toLowerCase()));
  const to = requester && !ownSet.has(requester.toLowerCase()) ? requester.toLowerCase() : null;
  const copies = [...new Set(cc.map((a) => a.toLowerCase()))].filter((a) => a !== to && !ownSet.has(a));
  return { to, cc: copies };
}

/** Where a reply on a ticket of this channel goes, and what the composer must say first. */
export function replyTarget(f: {
  channel: string;
  requesterEmail: string | null;
  cc: string[];
  own: string[];
  messaging: { hasConversation: boolean; outboundUrl: string | null } | null;
  /** Addresses marked bouncing (lower-cased) → the status of the bounce ('' when unknown). */
  bouncing?: Map<string, string>;
}): ReplyTarget {
  if (f.channel === 'chat' && f.messaging?.hasConversation) {
    if (!f.messaging.outboundUrl) return { channel: 'none', to: null, cc: [], deliverable: false, warnings: [{ code: 'no_outbound_url' }] };
    return { channel: 'messaging', to: null, cc: [], deliverable: true, warnings: [] };
  }
  const r = replyRecipients(f.requesterEmail, f.cc, f.own);
  if (!r.to) return { channel: 'none', to: null, cc: [], deliverable: false, warnings: [{ code: 'no_address' }] };
  const warnings: ReplyWarning[] = [r.to, ...r.cc].filter((a) => looksAutomated(a)).map((address) => ({ code: 'automated_address' as const, address }));
  for (const address of [r.to, ...r.cc]) {
    const status = f.bouncing?.get(address);
    if (status !== undefined) warnings.push(status ? { code: 'address_bouncing', address, status } : { code: 'address_bouncing', address });
  }
  return { channel: 'email', to: r.to, cc: r.cc, deliverable: true, warnings };
}

const FOOTER: Record<ReplyLanguage, (number: number, link: string | null) => string[]> = {
  ja: (n, link) => [`お問い合わせ番号: #${n}`, 'このメールに返信すると、同じお問い合わせに追記されます。', ...(link ? [`お問い合わせの確認: ${link}`] : [])],
  en: (n, link) => [`Request number: #${n}`, 'Reply to this mail to add to the same request.', ...(link ? [`Follow your request: ${link}`] : [])],
};

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * Text and HTML of a reply mail: the agent's words, then a footer in the customer's language.
 * A Markdown body becomes sanitised HTML and readable plain text; a text body is kept as written.
 */
export function renderReplyMail(r: { body: string; bodyFormat?: 'text' | 'markdown'; number: number; lang: ReplyLanguage; privateUrl: string | null; agentName: string | null }): { text: string; html: string } {
  const footer = FOOTER[r.lang](r.number, r.privateUrl);
  const sig = r.agentName ? [r.agentName] : [];
  const markdownHtml = r.bodyFormat === 'markdown' ? markdownMailHtml(r.body) : null;
  const text = [markdownHtml !== null ? markdownMailText(markdownHtml) : r.body.trim(), '', ...sig, '--', ...footer].join('\n');
  const para = (s: string) => `<p>${escapeHtml(s).replace(/\r?\n/g, '<br>')}</p>`;
  const linkLine = (s: string) => (r.privateUrl && s.endsWith(r.privateUrl) ? `${escapeHtml(s.slice(0, -r.privateUrl.length))}<a href="${escapeHtml(r.privateUrl)}">${escapeHtml(r.privateUrl)}</a>` : escapeHtml(s));
  const html = [
    `<!doctype html><html lang="${r.lang}"><body>`,
    ...(markdownHtml !== null ? [markdownHtml.trim()] : r.body.trim().split(/\n{2,}/).map(para)),
    ...sig.map(para),
    `<hr><p style="color:#666;font-size:12px">${footer.map(linkLine).join('<br>')}</p>`,
    '</body></html>',
  ].join('\n');
  return { text, html };
}
