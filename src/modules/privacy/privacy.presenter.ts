import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../../http/schemas.js';

/** Everything Escalon holds about one customer (APPI / GDPR access request), as JSON. */
export const CustomerExport = Type.Object(
  {
    format: Type.Literal('escalon.customer-export.v1'),
    exportedAt: Type.String(),
    exportedBy: Type.String({ description: 'user id of the supervisor who exported' }),
    customer: Type.Object({
      id: Type.String(),
      name: Type.String(),
      email: Nullable(Type.String()),
      phone: Nullable(Type.String()),
      locale: Type.String(),
      tier: Type.String(),
      organization: Nullable(Type.Object({ id: Type.String(), name: Type.String(), tier: Type.String() })),
      emailBouncing: Nullable(Type.Object({ since: Type.String(), status: Nullable(Type.String()), diagnostic: Nullable(Type.String()) })),
      erasedAt: Nullable(Type.String()),
      createdAt: Type.String(),
      updatedAt: Type.String(),
    }),
    contacts: Type.Array(
      Type.Object({ kind: Type.String({ description: 'email, phone or messaging' }), value: Type.String(), integrationId: Type.Optional(Type.String()) }),
    ),
    publicLinks: Type.Array(Type.Object({ ticketId: Type.String(), createdAt: Type.String() }), { description: 'private status links handed to the customer (the tokens themselves are not stored)' }),
    statusSubscriptions: Type.Optional(Type.Array(Type.Object({ email: Type.String(), locale: Type.String(), serviceId: Type.Union([Type.String(), Type.Null()]), confirmedAt: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String() }), { description: 'status page e-mail subscriptions of the address (issue 17)' })),
    tickets: Type.Array(
      Type.Object({
        id: Type.String(),
        number: Type.Integer(),
        subject: Type.String(),
        status: Type.String(),
        priority: Type.String(),
        channel: Type.String(),
        category: Nullable(Type.String()),
        tags: Type.Array(Type.String()),
        cc: Type.Array(Type.String()),
        createdAt: Type.String(),
        updatedAt: Type.String(),
        solvedAt: Nullable(Type.String()),
        closedAt: Nullable(Type.String()),
        messages: Type.Array(
          Type.Object({
            id: Type.String(),
            kind: Type.String(),
            visibility: Type.String({ description: 'public (the customer saw it) or internal (notes of the support team)' }),
            authorType: Type.String(),
            authorId: Nullable(Type.String()),
            body: Nullable(Type.String()),
            data: Type.Unknown(),
            createdAt: Type.String(),
          }),
        ),
        attachments: Type.Array(
          Type.Object({ id: Type.String(), eventId: Nullable(Type.String()), filename: Type.String(), contentType: Type.String(), size: Type.Integer(), sha256: Type.String(), createdAt: Type.String(), download: Type.String() }),
        ),
        escalations: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), status: Type.String(), brief: Type.Unknown(), requestedAt: Type.String(), finishedAt: Nullable(Type.String()) })),
        deliveries: Type.Array(Type.Object({ id: Type.String(), eventId: Nullable(Type.String()), channel: Type.String(), state: Type.String(), deliveredAt: Nullable(Type.String()) })),
      }),
    ),
    messagesOnOtherTickets: Type.Array(
      Type.Object({
        ticketId: Type.String(),
        id: Type.String(),
        kind: Type.String(),
        visibility: Type.String(),
        body: Nullable(Type.String()),
        createdAt: Type.String(),
        attachments: Type.Array(Type.Object({ id: Type.String(), filename: Type.String(), size: Type.Integer(), download: Type.String() })),
      }),
      { description: "the customer's own messages on other people's tickets (they were copied and replied); nothing else of those tickets" },
    ),
    rawMail: Type.Array(
      Type.Object({ id: Type.String(), ticketId: Nullable(Type.String()), messageId: Type.String(), subject: Nullable(Type.String()), from: Nullable(Type.String()), status: Type.String(), size: Type.Integer(), sha256: Type.String(), receivedAt: Type.String(), download: Type.String() }),
    ),
    satisfaction: Type.Array(Type.Unknown(), { description: 'CSAT surveys of the customer: address, state, rating, reason and comment (erasure keeps the rating, drops address, comment and link)' }),
    hands: Type.Optional(
      Type.Array(
        Type.Object({
          id: Type.String(),
          ticketId: Type.Union([Type.String(), Type.Null()]),
          callerNumber: Type.Union([Type.String(), Type.Null()]),
          category: Type.String(),
          ask: Type.String(),
          concern: Type.String(),
          tried: Type.String(),
          environment: Type.String(),
          background: Type.String(),
          answer: Type.Union([Type.String(), Type.Null()]),
          outcome: Type.Union([Type.String(), Type.Null()]),
          raisedAt: Type.String(),
          thread: Type.Array(Type.Object({ kind: Type.String(), actorId: Type.Union([Type.String(), Type.Null()]), body: Type.Union([Type.String(), Type.Null()]), at: Type.String() })),
        }),
        { description: 'raised hands about the customer (their call or their tickets), with the live thread' },
      ),
    ),
    audit: Type.Array(Type.Object({ id: Type.String(), actorId: Nullable(Type.String()), action: Type.String(), targetType: Nullable(Type.String()), targetId: Nullable(Type.String()), data: Type.Unknown(), createdAt: Type.String() })),
  },
  { description: 'Everything held about one customer: record, contacts, tickets with public and internal messages, attachments and raw mail (with download references), escalation briefs, deliveries, audit entries about them.' },
);
export type CustomerExport = Static<typeof CustomerExport>;

export const EraseOutcome = Type.Object({
  customerId: Type.String(),
  erasedAt: Type.String(),
  alreadyErased: Type.Boolean({ description: 'true when the customer had been erased before: nothing changed' }),
  counts: Type.Object({
    tickets: Type.Integer(),
    messages: Type.Integer(),
    attachments: Type.Integer(),
    rawMail: Type.Integer(),
    escalations: Type.Integer(),
    publicLinks: Type.Integer(),
    statusSubscriptions: Type.Optional(Type.Integer()),
  }),
});
export type EraseOutcome = Static<typeof EraseOutcome>;

// ------------------------------------------------------------------------------ summary

const words = {
  ja: {
    title: '保有個人データの開示',
    intro: 'Escalon が保有しているお客様に関するデータの一覧です（個人情報保護法・GDPR に基づく開示請求）。',
    exportedAt: '作成日時',
    identity: 'お客様情報',
    name: '氏名',
    email: 'メールアドレス',
    phone: '電話番号',
    organization: '組織',
    language: '言語',
    registered: '登録日時',
    contacts: '連絡先',
    tickets: 'お問い合わせ',
    none: 'ありません',
    status: '状態',
    created: '受付日時',
    closed: '完了日時',
    messages: 'メッセージ',
    public: '公開（お客様とのやりとり）',
    internal: '社内メモ',
    fromCustomer: 'お客様',
    fromStaff: '担当者',
    fromSystem: 'システム',
    attachments: '添付ファイル',
    rawMail: '受信したメール（原文）',
    elsewhere: 'ほかのお問い合わせに送られたメッセージ（CC で受け取った返信など）',
    escalations: 'エスカレーション',
    audit: '監査記録',
    publicLinks: 'お問い合わせ状況の確認リンク',
    satisfaction: '満足度アンケート',
    bytes: 'バイト',
    json: '機械可読な完全版は JSON 形式（format=json）で取得できます。',
  },
  en: {
    title: 'Personal data held about you',
    intro: 'Everything Escalon holds about this customer (a data access request under APPI / GDPR).',
    exportedAt: 'Prepared at',
    identity: 'Customer',
    name: 'Name',
    email: 'Email',
    phone: 'Phone',
    organization: 'Organization',
    language: 'Language',
    registered: 'Registered',
    contacts: 'Contact details',
    tickets: 'Inquiries',
    none: 'None',
    status: 'Status',
    created: 'Received',
    closed: 'Closed',
    messages: 'Messages',
    public: 'Public (exchanged with you)',
    internal: 'Internal note',
    fromCustomer: 'You',
    fromStaff: 'Support staff',
    fromSystem: 'System',
    attachments: 'Attachments',
    rawMail: 'Mail received (original)',
    elsewhere: "Your messages on other people's inquiries (replies to mail you were copied on)",
    escalations: 'Escalations',
    audit: 'Audit records',
    publicLinks: 'Private status links',
    satisfaction: 'Satisfaction surveys',
    bytes: 'bytes',
    json: 'The complete machine-readable export is available as JSON (format=json).',
  },
} as const;

const languageWords: Record<'ja' | 'en', Record<string, string>> = { ja: { ja: '日本語', en: '英語' }, en: { ja: 'Japanese', en: 'English' } };
const contactWords: Record<'ja' | 'en', Record<string, string>> = {
  ja: { email: 'メール', phone: '電話', messaging: 'メッセージアプリ' },
  en: { email: 'Email', phone: 'Phone', messaging: 'Messaging app' },
};

const statusWords: Record<'ja' | 'en', Record<string, string>> = {
  ja: { new: '新規', open: '対応中', pending: '回答待ち', on_hold: '保留', solved: '解決済み', closed: '完了' },
  en: { new: 'New', open: 'Open', pending: 'Pending', on_hold: 'On hold', solved: 'Solved', closed: 'Closed' },
};

/** Escapes text for HTML element content and attribute values. */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The readable summary of an export, in the customer's language: a self-contained HTML page
 * (no scripts, no external resources), every stored value escaped.
 */
export function renderSummary(x: CustomerExport, lang: 'ja' | 'en', timeZone: string): string {
  const w = words[lang];
  const e = escapeHtml;
  const fmt = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  const at = (iso: string | null) => (iso ? e(`${fmt.format(new Date(iso))}`) : '—');
  const row = (k: string, v: string | null) => `<tr><th scope="row">${e(k)}</th><td>${v === null || v === '' ? '—' : e(v)}</td></tr>`;
  const author = (t: string) => (t === 'customer' ? w.fromCustomer : t === 'user' ? w.fromStaff : w.fromSystem);
  const c = x.customer;
  const parts: string[] = [];
  parts.push(`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${e(w.title)} — ${e(c.name)}</title>`);
  parts.push(
    '<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.6;color:#1f2328}' +
      'table{border-collapse:collapse}th,td{text-align:left;padding:.2rem .8rem .2rem 0;vertical-align:top}' +
      'section{border-top:1px solid #d0d7de;margin-top:1.5rem}.msg{margin:.6rem 0;padding:.5rem .8rem;border-left:3px solid #8c959f;background:#f6f8fa;white-space:pre-wrap}' +
      '.internal{border-color:#bf8700;background:#fff8c5}.meta{color:#59636e;font-size:.9em}</style></head><body>',
  );
  parts.push(`<h1>${e(w.title)}</h1><p>${e(w.intro)}</p><p class="meta">${e(w.exportedAt)}: ${at(x.exportedAt)}</p>`);
  parts.push(`<section><h2>${e(w.identity)}</h2><table>`);
  parts.push(row(w.name, c.name), row(w.email, c.email), row(w.phone, c.phone), row(w.organization, c.organization?.name ?? null), row(w.language, languageWords[lang][c.locale] ?? c.locale));
  parts.push(`<tr><th scope="row">${e(w.registered)}</th><td>${at(c.createdAt)}</td></tr></table></section>`);
  parts.push(`<section><h2>${e(w.contacts)}</h2>`);
  parts.push(x.contacts.length ? `<ul>${x.contacts.map((k) => `<li>${e(contactWords[lang][k.kind] ?? k.kind)}: ${e(k.value)}</li>`).join('')}</ul>` : `<p>${e(w.none)}</p>`);
  parts.push(`</section><section><h2>${e(w.tickets)} (${x.tickets.length})</h2>`);
  if (x.tickets.length === 0) parts.push(`<p>${e(w.none)}</p>`);
  for (const t of x.tickets) {
    parts.push(`<article><h3>#${t.number} ${e(t.subject)}</h3><p class="meta">${e(w.status)}: ${e(statusWords[lang][t.status] ?? t.status)} · ${e(w.created)}: ${at(t.createdAt)}${t.closedAt ? ` · ${e(w.closed)}: ${at(t.closedAt)}` : ''}</p>`);
    const messages = t.messages.filter((m) => m.body !== null && m.body !== '');
    parts.push(`<h4>${e(w.messages)} (${messages.length})</h4>`);
    for (const m of messages)
      parts.push(
        `<div class="msg${m.visibility === 'internal' ? ' internal' : ''}"><div class="meta">${at(m.createdAt)} · ${e(author(m.authorType))} · ${e(m.visibility === 'internal' ? w.internal : w.public)}</div>${e(m.body ?? '')}</div>`,
      );
    if (t.attachments.length)
      parts.push(`<h4>${e(w.attachments)}</h4><ul>${t.attachments.map((a) => `<li>${e(a.filename)} (${a.size} ${e(w.bytes)}, ${at(a.createdAt)})</li>`).join('')}</ul>`);
    if (t.escalations.length) parts.push(`<h4>${e(w.escalations)}</h4><p>${t.escalations.length}</p>`);
    parts.push('</article>');
  }
  if (x.messagesOnOtherTickets.length) {
    parts.push(`</section><section><h2>${e(w.elsewhere)} (${x.messagesOnOtherTickets.length})</h2>`);
    for (const m of x.messagesOnOtherTickets) parts.push(`<div class="msg"><div class="meta">${at(m.createdAt)}</div>${e(m.body ?? '')}</div>`);
  }
  parts.push(`</section><section><h2>${e(w.rawMail)} (${x.rawMail.length})</h2>`);
  parts.push(x.rawMail.length ? `<ul>${x.rawMail.map((r) => `<li>${at(r.receivedAt)} · ${e(r.subject ?? '—')} (${r.size} ${e(w.bytes)})</li>`).join('')}</ul>` : `<p>${e(w.none)}</p>`);
  parts.push(`</section><section><h2>${e(w.publicLinks)}</h2><p>${x.publicLinks.length || e(w.none)}</p></section>`);
  parts.push(`<section><h2>${e(w.satisfaction)}</h2><p>${x.satisfaction.length || e(w.none)}</p></section>`);
  parts.push(`<section><h2>${e(w.audit)} (${x.audit.length})</h2>`);
  parts.push(x.audit.length ? `<ul>${x.audit.map((a) => `<li>${at(a.createdAt)} · ${e(a.action)}</li>`).join('')}</ul>` : `<p>${e(w.none)}</p>`);
  parts.push(`</section><p class="meta">${e(w.json)}</p></body></html>`);
  return parts.join('\n');
}
