import { dsnAddress, normaliseMessageId, parseFieldGroups, parseHeaderFields } from './email-headers.js';
import type { AutoReplyReason, InboundClassification, ParsedAttachment, ParsedEmail } from './email.types.js';

/**
 * Decides whether an inbound mail is a customer message, an automatic reply or a bounce, so that
 * automated mail never opens tickets or triggers acknowledgements (no mail loops). Pure.
 *
 * Rules, first match wins:
 * 1. Delivery status reports (multipart/report; report-type=delivery-status, or any
 *    message/delivery-status part): a bounce when a recipient failed (Action: failed or a 5.x.x
 *    status); a report that only says delayed / delivered / relayed is an `auto_reply`
 *    ('delivery_report'): the address is not known to be bad yet.
 * 2. Read receipts (report-type=disposition-notification) → auto_reply 'read_receipt'.
 * 3. ARF feedback reports (report-type=feedback-report, e.g. an abuse complaint from a mailbox
 *    provider) → auto_reply 'feedback_report': machine-made, never a customer's message, never
 *    answered; `detail` carries the Feedback-Type for the admin list.
 * 4. Non-standard bounces: from MAILER-DAEMON / postmaster with a null return path `<>` or a
 *    bounce-like subject ("Undelivered", "Delivery Status Notification (Failure)", 「配信不能」,
 *    「エラー」 …) → bounce 'mailer_daemon' (original id from an attached message or the quoted
 *    "Message-ID:" line, recipient from X-Failed-Recipients).
 * 5. Auto-Submitted with any value but 'no' (RFC 3834) → auto_reply 'auto_submitted'.
 * 6. X-Autoreply / X-Autorespond / X-Autoresponder present → auto_reply.
 * 7. Precedence (or X-Precedence) bulk, junk or auto_reply → auto_reply 'precedence'.
 * 8. Out-of-office subjects, only in a prefix position so that a customer writing about
 *    auto-replies or missed calls (「不在着信」「自動返信メールが届かない」) still gets through:
 *    "Automatic reply:", "Auto-Reply:", "Out of Office:", 「自動返信:」「【自動応答】」
 *    「不在:」「不在のお知らせ」「休暇のお知らせ」….
 * 9. A null return path `<>` with nothing else → auto_reply 'null_return_path' (only automated
 *    mail uses it, RFC 5321 §4.5.5, and it must never be answered).
 * 10. Everything else is a message. `suppressAutoResponse` is set, without dropping the mail,
 *    for Precedence: list, List-Id / List-Unsubscribe and X-Auto-Response-Suppress: a support
 *    address is often itself a Google Group or distribution list (which adds Precedence: list)
 *    and Outlook adds X-Auto-Response-Suppress to ordinary human mail; both ask us not to send
 *    an automatic answer, neither means a machine wrote it.
 */
export function classifyInbound(parsed: ParsedEmail): InboundClassification {
  const reportType =
    parsed.contentType.value === 'multipart/report'
      ? (parsed.contentType.params['report-type'] ?? '').toLowerCase()
      : '';
  const parts = (type: RegExp): ParsedAttachment[] =>
    parsed.attachments.filter((a) => type.test(a.contentType));

  const statusParts = parts(/^message\/(global-)?delivery-status$/);
  if (reportType === 'delivery-status' || statusParts.length > 0)
    return classifyDeliveryReport(parsed, statusParts);

  if (
    reportType === 'disposition-notification' ||
    parts(/^message\/(global-)?disposition-notification$/).length > 0
  ) {
    return { kind: 'auto_reply', reason: 'read_receipt' };
  }

  const feedback = parts(/^message\/feedback-report$/);
  if (reportType === 'feedback-report' || feedback.length > 0) {
    const fields = feedback[0] ? parseFieldGroups(feedback[0].content.toString('utf8'))[0] : undefined;
    return autoReply('feedback_report', fields?.['feedback-type']);
  }

  if (looksLikeMailerDaemon(parsed)) {
    return compact({
      kind: 'bounce',
      reason: 'mailer_daemon',
      originalMessageId: originalMessageId(parsed),
      recipient: dsnAddress(header(parsed, 'x-failed-recipients')?.split(',')[0]),
    });
  }

  const autoSubmitted = header(parsed, 'auto-submitted');
  if (autoSubmitted !== undefined && token(autoSubmitted) !== 'no' && token(autoSubmitted) !== '') {
    return { kind: 'auto_reply', reason: 'auto_submitted', detail: token(autoSubmitted) };
  }
  if (header(parsed, 'x-autoreply') !== undefined) return { kind: 'auto_reply', reason: 'x_autoreply' };
  if (header(parsed, 'x-autorespond') !== undefined || header(parsed, 'x-autoresponder') !== undefined) {
    return { kind: 'auto_reply', reason: 'x_autorespond' };
  }

  const precedence = token(header(parsed, 'precedence') ?? header(parsed, 'x-precedence') ?? '');
  if (precedence === 'bulk' || precedence === 'junk' || precedence === 'auto_reply') {
    return { kind: 'auto_reply', reason: 'precedence', detail: precedence };
  }
  if (isOutOfOfficeSubject(parsed.subject)) return { kind: 'auto_reply', reason: 'out_of_office_subject' };
  if (parsed.returnPath === '') return { kind: 'auto_reply', reason: 'null_return_path' };

  const suppress = header(parsed, 'x-auto-response-suppress');
  return {
    kind: 'message',
    suppressAutoResponse:
      precedence === 'list' ||
      header(parsed, 'list-id') !== undefined ||
      header(parsed, 'list-unsubscribe') !== undefined ||
      (suppress !== undefined && token(suppress) !== 'none'),
  };

  function classifyDeliveryReport(
    email: ParsedEmail,
    statusParts: ParsedAttachment[],
  ): InboundClassification {
    const groups = statusParts.flatMap((p) => parseFieldGroups(p.content.toString('utf8')));
    const perMessage = groups.find((g) => !('final-recipient' in g) && !('original-recipient' in g)) ?? {};
    const recipients = groups.filter((g) => 'final-recipient' in g || 'original-recipient' in g);
    const failed = recipients.find((r) => token(r.action ?? '') === 'failed' || /^5\./.test(r.status ?? ''));
    if (recipients.length > 0 && !failed) {
      return autoReply('delivery_report', token(recipients[0]?.action ?? ''));
    }
    const recipient = failed ?? recipients[0];
    return compact({
      kind: 'bounce',
      reason: 'delivery_status_report',
      originalMessageId:
        normaliseMessageId(perMessage['original-message-id'] ?? perMessage['x-original-message-id']) ??
        originalMessageId(email),
      recipient: dsnAddress(recipient?.['final-recipient'] ?? recipient?.['original-recipient']),
      status: /\d\.\d{1,3}\.\d{1,3}/.exec(recipient?.status ?? '')?.[0],
      diagnostic: recipient?.['diagnostic-code'],
    });
  }
}

/**
 * The ticket number in a subject: `[#1042]`, also `【#1042】` and the full-width `［＃１０４２］`
 * Japanese clients produce, anywhere after any Re:/Fwd:/返信:/転送: prefixes. A bare `#1042` is
 * not taken (order and invoice numbers look the same). The leftmost one wins.
 */
export function extractTicketNumber(subject: string): number | null {
  const match = /[[【]\s*#\s*(\d{1,12})\s*[\]】]/.exec(subject.normalize('NFKC'));
  if (!match) return null;
  const n = Number(match[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/**
 * Message ids to look up, most specific first: In-Reply-To, then References newest first.
 * Synthetic ids and the mail's own id are left out; duplicates are removed.
 */
export function threadingKeys(parsed: Pick<ParsedEmail, 'messageId' | 'inReplyTo' | 'references'>): string[] {
  const keys = [parsed.inReplyTo, ...[...parsed.references].reverse()].filter(
    (id): id is string => typeof id === 'string' && id !== '' && id !== parsed.messageId,
  );
  return [...new Set(keys)];
}

const OOF_EN =
  /^(?:(?:re|aw|fw|fwd)\s*:\s*)*(?:auto(?:matic)?[\s_-]?(?:reply|response|answer)|out of (?:the )?office(?:\s+(?:reply|autoreply|notice))?|away from (?:the |my )?office|vacation (?:reply|notice)|on vacation|abwesenheitsnotiz)\s*(?::|$)/i;
const OOF_JA_WORDS = '自動返信|自動応答|自動送信|自動返答|不在|休暇|外出中|留守';
const OOF_JA_BRACKETED = new RegExp(
  `^(?:(?:re|fw|fwd)\\s*:\\s*)*[[【(〔]\\s*(?:${OOF_JA_WORDS})(?:通知|中|のお知らせ)?\\s*[\\]】)〕]`,
  'i',
);
const OOF_JA_PREFIX = new RegExp(
  `^(?:(?:re|fw|fwd)\\s*:\\s*)*(?:${OOF_JA_WORDS})(?:通知|中)?\\s*(?::|$)`,
  'i',
);
const OOF_JA_NOTICE =
  /^(?:(?:re|fw|fwd)\s*:\s*)*(?:不在|休暇|長期休暇|夏季休暇|年末年始休暇)(?:のお知らせ|のご連絡|通知)/i;

export function isOutOfOfficeSubject(subject: string): boolean {
  const s = subject.normalize('NFKC').trim();
  return OOF_EN.test(s) || OOF_JA_BRACKETED.test(s) || OOF_JA_PREFIX.test(s) || OOF_JA_NOTICE.test(s);
}

const BOUNCE_SUBJECT =
  /undeliver|undelivered|delivery (status notification|failure|has failed|failed)|returned mail|mail delivery (failed|failure|subsystem)|failure notice|could not be delivered|配信不能|配送不能|配信エラー|配送エラー|宛先不明|エラーメール|返送/i;

function looksLikeMailerDaemon(parsed: ParsedEmail): boolean {
  // A From with an empty address (`MAILER-DAEMON <>`) has only its display name to go by.
  const local = parsed.from?.address.split('@')[0] ?? parsed.nullSender ?? '';
  const daemon = /^(mailer-daemon|postmaster|mail-daemon)$/i.test(local);
  const bounceSubject = BOUNCE_SUBJECT.test(parsed.subject.normalize('NFKC'));
  return (
    (daemon && (parsed.returnPath === '' || bounceSubject)) || (parsed.returnPath === '' && bounceSubject)
  );
}

/** The Message-ID of the mail that bounced: from an attached original, else a quoted header line. */
function originalMessageId(parsed: ParsedEmail): string | undefined {
  for (const part of parsed.attachments) {
    if (!/^(message\/(rfc822|global|global-headers)|text\/rfc822-headers)$/.test(part.contentType)) continue;
    const field = parseHeaderFields(part.content.toString('utf8')).find((f) => f.name === 'message-id');
    const id = normaliseMessageId(field?.value);
    if (id) return id;
  }
  const quoted = /^[ \t>]*Message-ID:[ \t]*(<[^<>\s]+>)/im.exec(parsed.text);
  return normaliseMessageId(quoted?.[1]) ?? undefined;
}

function header(parsed: ParsedEmail, name: string): string | undefined {
  return parsed.headers[name]?.[0];
}

/** `Auto-Replied; foo=bar (comment)` → `auto-replied`. */
function token(value: string): string {
  return (
    value
      .replace(/\([^)]*\)/g, '')
      .split(';')[0]
      ?.trim()
      .toLowerCase() ?? ''
  );
}

function autoReply(reason: AutoReplyReason, detail?: string): InboundClassification {
  return detail ? { kind: 'auto_reply', reason, detail } : { kind: 'auto_reply', reason };
}

/** Drops undefined optional fields so results compare and serialise cleanly. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
