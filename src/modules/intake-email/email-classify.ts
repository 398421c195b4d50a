import {
  dsnAddress,
  normaliseMessageId,
  parseFieldGroups,
  parseHeaderFields,
  parseMessageIdList,
} from './email-headers.js';
import type {
  AutoReplyReason,
  BounceFailure,
  InboundClassification,
  ParsedAttachment,
  ParsedEmail,
} from './email.types.js';

/** What the transport knew besides the headers: the SMTP envelope sender ('' for `MAIL FROM:<>`). */
export interface InboundContext {
  envelopeFrom?: string | null;
}

/**
 * Decides whether an inbound mail is a customer message, an automatic reply or a bounce, so that
 * automated mail never opens tickets or triggers acknowledgements (no mail loops). Pure.
 *
 * Structure decides first, because it cannot be mistaken:
 * 1. Delivery status reports (multipart/report; report-type=delivery-status, or any
 *    message/delivery-status part): a bounce when a recipient failed (Action: failed or expired,
 *    or a 5.x.x status); a report that only says delayed / delivered / relayed is an
 *    `auto_reply` ('delivery_report'): the address is not known to be bad yet.
 * 2. Read receipts (disposition-notification) and ARF feedback reports → auto_reply.
 *
 * Otherwise every other signal is weighed together (see `automationSignals`): who sent it (a
 * null or daemon return path or envelope sender, a mail system's local part or display name, a
 * no-reply address, list-manager headers, a cloud notification service's headers) and what it
 * says (bounce and notice subjects in English and Japanese, DSN fields or MTA phrases in the
 * body, a quoted original, list-manager notices). What it says never decides alone: a customer
 * may well write 「メールが届きません」 and paste a bounce, and a person forwarding a bounce
 * (`Fwd: Returned mail…` from their own address) is asking us something. So content counts only
 * when something about the sender is automated too, and not at all when a person forwards or
 * answers (Fwd:/Re: from an ordinary address with no automated header).
 * 3. Automated + bounce evidence → bounce (`mailer_daemon`; recipient, status, diagnostic and the
 *    quoted Message-IDs read from the body), or a delay notice → 'delivery_report'.
 * 4. Auto-Submitted ≠ no (RFC 3834), X-Autoreply / X-Autorespond, Precedence bulk/junk/auto_reply,
 *    out-of-office subjects in a prefix position → auto_reply.
 * 5. Automated by the weighed signals → auto_reply ('automated_sender', 'list_notice',
 *    'notification', 'null_return_path'), `detail` listing the signals for the admin list.
 * 6. Everything else is a message. `suppressAutoResponse` is set, without dropping the mail,
 *    for Precedence: list, list headers, X-Auto-Response-Suppress and no-reply senders: a support
 *    address is often itself a Google Group or distribution list and Outlook adds
 *    X-Auto-Response-Suppress to ordinary human mail; they ask us not to answer automatically,
 *    they do not mean a machine wrote it.
 */
export function classifyInbound(parsed: ParsedEmail, context: InboundContext = {}): InboundClassification {
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

  const s = automationSignals(parsed, context);
  if (s.automated && s.delay && (s.bounce || s.reason === 'automated_sender'))
    return autoReply('delivery_report', 'delayed');
  if (s.automated && s.bounce) return bounceFromText(parsed);

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

  if (s.automated) return autoReply(s.reason, s.signals.join(','));

  const suppress = header(parsed, 'x-auto-response-suppress');
  return {
    kind: 'message',
    suppressAutoResponse:
      s.list ||
      s.noReply ||
      s.signals.includes('bulk_return_path') ||
      (suppress !== undefined && token(suppress) !== 'none'),
  };
}

/** An RFC 3464 report: a failure (failed, expired, 5.x.x) is a bounce, anything else a report. */
function classifyDeliveryReport(email: ParsedEmail, statusParts: ParsedAttachment[]): InboundClassification {
  const groups = statusParts.flatMap((p) => parseFieldGroups(p.content.toString('utf8')));
  const perMessage = groups.find((g) => !('final-recipient' in g) && !('original-recipient' in g)) ?? {};
  const recipients = groups.filter((g) => 'final-recipient' in g || 'original-recipient' in g);
  const failures = recipients.filter(isFailure).map(toFailure);
  if (recipients.length > 0 && failures.length === 0) {
    return autoReply('delivery_report', token(recipients[0]?.action ?? ''));
  }
  // A report with no recipient groups at all still reports a problem: take the body's word.
  const fromText = failures.length === 0 ? textFailures(email) : [];
  const all = failures.length > 0 ? failures : fromText;
  const ids = candidateIds(email, [perMessage['original-message-id'], perMessage['x-original-message-id']]);
  return bounceOf('delivery_status_report', all, ids);
}

/** A bounce without a machine-readable report: recipient, status and diagnostic from the text. */
function bounceFromText(email: ParsedEmail): InboundClassification {
  const failed = header(email, 'x-failed-recipients');
  let failures = textFailures(email);
  if (failed) {
    const listed = failed
      .split(',')
      .map((a) => dsnAddress(a))
      .filter((a): a is string => !!a);
    const byAddress = new Map(failures.map((f) => [f.recipient, f]));
    const first = failures[0];
    failures = listed.map(
      (recipient) =>
        byAddress.get(recipient) ?? {
          recipient,
          status: failures.length === 1 ? (first?.status ?? null) : null,
          diagnostic: failures.length === 1 ? (first?.diagnostic ?? null) : null,
          action: null,
        },
    );
  }
  return bounceOf('mailer_daemon', failures, candidateIds(email, []));
}

function bounceOf(
  reason: 'delivery_status_report' | 'mailer_daemon',
  failures: BounceFailure[],
  ids: string[],
): InboundClassification {
  const first = failures[0];
  return compact({
    kind: 'bounce' as const,
    reason,
    originalMessageId: ids[0],
    candidateMessageIds: ids.length > 1 ? ids : undefined,
    recipient: first?.recipient || undefined,
    status: first?.status ?? undefined,
    diagnostic: first?.diagnostic ?? undefined,
    failures: failures.length > 0 ? failures.slice(0, 20) : undefined,
  });
}

const STATUS_CODE = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;

function isFailure(group: Record<string, string>): boolean {
  const action = token(group.action ?? '');
  if (action === 'failed' || action === 'expired') return true;
  if (action === 'delayed' || action === 'delivered' || action === 'relayed' || action === 'expanded')
    return false;
  return /^5\./.test((group.status ?? '').trim());
}

function toFailure(group: Record<string, string>): BounceFailure {
  return {
    recipient: dsnAddress(group['final-recipient'] ?? group['original-recipient']) ?? '',
    status: STATUS_CODE.exec(group.status ?? '')?.[0] ?? null,
    diagnostic: group['diagnostic-code'] ? group['diagnostic-code'].slice(0, 500) : null,
    action: token(group.action ?? '') || null,
  };
}

/** The texts a bounce says things in: the body and any text parts it carries (capped). */
function bounceTexts(email: ParsedEmail): string[] {
  const texts = [email.text.slice(0, 256 * 1024)];
  for (const a of email.attachments) {
    if (/^(text\/plain|message\/(rfc822|global|global-headers)|text\/rfc822-headers)$/.test(a.contentType)) {
      texts.push(a.content.subarray(0, 256 * 1024).toString('utf8'));
    }
  }
  return texts;
}

const ADDRESS = /<?([^\s<>"'()[\],;:@]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+)>?/i;
const FAILURE_LINE =
  /\b(?:5\d\d|[45]\.\d{1,3}\.\d{1,3})\b|unknown user|user unknown|no such (?:user|mailbox|recipient)|does not exist|mailbox (?:unavailable|not found|is full|full)|recipient (?:rejected|address rejected)|invalid recipient|存在しません|不明|見つかりません|拒否/i;

/**
 * Failed recipients written in a bounce's body: DSN-style fields typed into the text (many MTAs
 * do), else the first address that stands on or next to a line naming a failure (`<x@y>: 550
 * 5.1.1 user unknown`, qmail's `<x@y>:` then the reason).
 */
function textFailures(email: ParsedEmail): BounceFailure[] {
  const texts = bounceTexts(email);
  for (const text of texts) {
    const groups = parseFieldGroups(text.replace(/^[ \t>]+/gm, '')).filter(
      (g) => 'final-recipient' in g || 'original-recipient' in g,
    );
    const failures = groups.filter((g) => isFailure(g) || !g.action).map(toFailure);
    if (failures.length > 0) return failures;
  }
  const own = new Set([...email.to, ...email.cc]);
  const lines = (texts[0] ?? '').split('\n').slice(0, 400);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!FAILURE_LINE.test(line)) continue;
    for (const candidate of [line, lines[i - 1] ?? '', lines[i - 2] ?? '']) {
      const address = ADDRESS.exec(candidate)?.[1]?.toLowerCase();
      if (!address || own.has(address)) continue;
      const window = [line, lines[i + 1] ?? ''].join(' ');
      const status = STATUS_CODE.exec(window)?.[0] ?? (/\b5\d\d\b/.test(window) ? '5.0.0' : null);
      return [{ recipient: address, status, diagnostic: line.trim().slice(0, 500) || null, action: null }];
    }
  }
  return [];
}

/**
 * The Message-IDs a bounce quotes, most specific first: the report's Original-Message-ID, the
 * quoted original's own Message-ID (message/rfc822, text/rfc822-headers), `Message-ID:` lines in
 * the body (also `> `-quoted), then the quoted original's In-Reply-To / References. Many MTAs
 * (Google's, among others) quote the headers only, with no Original-Message-ID.
 */
function candidateIds(email: ParsedEmail, reported: Array<string | undefined>): string[] {
  const ids: string[] = [];
  const add = (raw: string | null | undefined) => {
    const id = normaliseMessageId(raw);
    if (id && id !== email.messageId && !ids.includes(id) && ids.length < 50) ids.push(id);
  };
  reported.forEach(add);
  const later: string[] = [];
  for (const part of email.attachments) {
    if (!/^(message\/(rfc822|global|global-headers)|text\/rfc822-headers)$/.test(part.contentType)) continue;
    const fields = parseHeaderFields(part.content.subarray(0, 256 * 1024).toString('utf8'));
    add(fields.find((f) => f.name === 'message-id')?.value);
    for (const f of fields)
      if (f.name === 'in-reply-to' || f.name === 'references') later.push(...parseMessageIdList(f.value));
  }
  for (const text of bounceTexts(email)) {
    for (const m of text.matchAll(
      /^[ \t>]*(?:Original-|X-Original-)?Message-ID:[ \t]*(<[^<>\s]+>|[^\s<>]+@[^\s<>]+)/gim,
    ))
      add(m[1]);
  }
  later.forEach(add);
  return ids;
}

/** Local parts only mail systems use. */
const DAEMON_LOCAL =
  /^(?:mailer[-_.]?daemon|mail[-_.]?daemon|post[-_.]?master|mail[-_.]?delivery(?:[-_.]?subsystem)?|mail[-_.]?admin(?:istrator)?|microsoftexchange[0-9a-f]{32}|mdaemon|smtp[-_.]?daemon)$/i;
/** Return paths of bulk senders (VERP bounce handlers): a hint, newsletters and CRMs use them. */
const BULK_PATH_LOCAL = /^bounces?(?:[-+_.].*)?$/i;
const DAEMON_NAME =
  /^(?:mail delivery (?:sub)?system|mail ?administrator|mailer[- _]?daemon|post ?master|mail ?daemon|mail delivery service|delivery status notification|microsoft outlook|internet mail delivery|mail system)$/i;
const NO_REPLY_LOCAL =
  /(?:^|[-_.+])(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply)(?:$|[-_.+])|^(?:notifications?|alerts?|auto[-_.]?(?:reply|mail)|system)(?:[-+_.].*)?$/i;
/** List managers' own addresses (fml's list-admin@, Mailman's list-owner@, majordomo@…). */
const LIST_ADMIN_LOCAL =
  /^(?:fml|majordomo|mailman|listserv|owner-[^@]+|[^@]+-(?:admin|owner|request|ctl))$/i;
const LIST_MANAGER = /\b(?:fml|mailman|majordomo|listserv|ezmlm|sympa|lyris|mlmmj|smartlist)\b/i;

const BOUNCE_SUBJECT = new RegExp(
  [
    'undeliver',
    'non[- ]?deliver',
    'returned mail',
    'returning (?:message )?to sender',
    'mail (?:delivery )?(?:failed|failure)',
    'mail delivery (?:subsystem|system)',
    'delivery (?:status notification|notification|failure|failed|has failed|problem|report)',
    'failure (?:notice|delivery)',
    'failed (?:delivery|mail)',
    'could not be delivered',
    'unable to deliver',
    'not delivered',
    'mail system error',
    'could not send message',
    'message (?:rejected|blocked)',
    'メールエラー',
    'エラー通知',
    '配信不能',
    '配送不能',
    '配信エラー',
    '配送エラー',
    '配信失敗',
    '送信失敗',
    '宛先不明',
    'エラーメール',
    '返送',
    '不達',
    '配信できません',
    '配送できません',
    '送信できません',
    '届けられません',
    '届けることができません',
  ].join('|'),
  'i',
);
const DELAY_SUBJECT =
  /\b(?:delay(?:ed)?|warning: could not send|still (?:trying|being retried)|will (?:continue|keep) trying)\b|配信遅延|遅延/i;
const DSN_BODY =
  /^[ \t>]*(?:final-recipient|original-recipient|diagnostic-code|reporting-mta|remote-mta|x-postfix-queue-id)[ \t]*:|this is the mail system at host|qmail-send program|i'm afraid i wasn't able to deliver|could not be delivered to one or more recipients|the following (?:address(?:es)?|recipients?) (?:failed|had permanent fatal errors)|delivery to the following recipients? (?:failed|has been delayed)|message could not be delivered|undelivered message|unknown user|user unknown|no such user|mailbox unavailable|配信できません|配送できません|届けることができません|送信できませんでした|配信に失敗|宛先不明|存在しないアドレス|宛先のアドレスが見つかりません/im;
const LIST_NOTICE =
  /\b(?:are|is) not (?:a )?member\b|\bnot (?:a )?member of (?:this|the)\b|loop alert|duplicated message-id|\bunsubscribe (?:confirm|request)\b|subscription (?:confirm|request)|メンバーではありません|メンバー以外|登録されていない/i;
const NOTIFICATION_SUBJECT =
  /^(?:aws notification(?: message)?|alarm:|\[?alert\]?|システム通知|メールエラー通知)/i;

interface Signals {
  automated: boolean;
  /** Bounce evidence (subject, DSN body, failed-recipient header, quoted original). */
  bounce: boolean;
  delay: boolean;
  list: boolean;
  noReply: boolean;
  reason: AutoReplyReason;
  signals: string[];
}

/**
 * Weighs what says the mail was written by a machine. Origin signals: a null or daemon return
 * path / envelope sender and a daemon local part weigh 3 (decisive), a daemon display name and
 * a cloud notification service's headers 2, a no-reply local part and list-manager headers 1.
 * Content signals (bounce or notice subject 2, DSN fields or MTA phrases in the body 2, list
 * manager notices 2, a quoted original 1, X-Failed-Recipients 3) count only when some origin
 * signal is there and the mail is not a person's forward or answer.
 */
function automationSignals(email: ParsedEmail, context: InboundContext): Signals {
  const signals: string[] = [];
  let origin = 0;
  let content = 0;
  const note = (name: string, weight: number, kind: 'origin' | 'content') => {
    signals.push(name);
    if (kind === 'origin') origin += weight;
    else content += weight;
  };

  const fromRaw = header(email, 'from') ?? '';
  const fromAddress = email.from?.address ?? '';
  const local = fromAddress.split('@')[0] ?? '';
  const displayName = (email.from?.name || fromRaw.replace(/<[^>]*>/g, '').replace(/["()]/g, '')).trim();
  const returnPath = email.returnPath;
  const envelope = context.envelopeFrom;
  const isDaemonPath = (path: string | null | undefined) =>
    path !== null && path !== undefined && (path === '' || DAEMON_LOCAL.test(path.split('@')[0] ?? ''));

  const nullPath = returnPath === '' || envelope === '';
  if (nullPath) note('null_return_path', 3, 'origin');
  else if (isDaemonPath(returnPath) || isDaemonPath(envelope)) note('daemon_return_path', 3, 'origin');
  else if ([returnPath, envelope].some((p) => p && BULK_PATH_LOCAL.test(p.split('@')[0] ?? '')))
    note('bulk_return_path', 1, 'origin');
  const daemonSender =
    DAEMON_LOCAL.test(local) ||
    // `From: MAILER-DAEMON <>`: whatever the parser falls back to (Sender, Reply-To), the From itself is a null address.
    (/<\s*>/.test(fromRaw) && !fromRaw.includes('@'));
  if (daemonSender) note('daemon_sender', 3, 'origin');
  else if (DAEMON_NAME.test(displayName) || /^(?:mailer[-_]?daemon|post[-_]?master)\b/i.test(displayName))
    note('daemon_name', 2, 'origin');
  const noReply = NO_REPLY_LOCAL.test(local);
  if (noReply) note('no_reply_sender', 1, 'origin');
  const notificationService = Object.keys(email.headers).some((h) => h.startsWith('x-amz-sns-'));
  if (notificationService) note('notification_service', 2, 'origin');
  const list =
    token(header(email, 'precedence') ?? '') === 'list' ||
    [
      'list-id',
      'list-unsubscribe',
      'list-post',
      'mailing-list',
      'x-ml-name',
      'x-ml-count',
      'x-ml-info',
      'x-mlserver',
      'x-ml-server',
      'x-mailman-version',
      'x-loop',
    ].some((h) => header(email, h) !== undefined) ||
    LIST_MANAGER.test(header(email, 'x-mailer') ?? '');
  if (list) note('list_headers', 1, 'origin');
  if (LIST_ADMIN_LOCAL.test(local)) note('list_admin_sender', 1, 'origin');
  const automatedHeader =
    (header(email, 'auto-submitted') !== undefined &&
      !['no', ''].includes(token(header(email, 'auto-submitted') ?? ''))) ||
    ['bulk', 'junk', 'auto_reply'].includes(token(header(email, 'precedence') ?? ''));

  const subject = email.subject.normalize('NFKC').trim();
  // A person forwarding or answering (Fwd:/Re: from an ordinary address): whatever the quoted
  // text says is theirs to ask about. Carrier relays answer Re: from post_master@, which is a
  // daemon sender and so still counts.
  const personWrites =
    /^(?:(?:re|aw|sv|fw|fwd|tr|wg)\s*[:：]|返信\s*[:：]|転送\s*[:：])/i.test(subject) &&
    !daemonSender &&
    !nullPath &&
    !notificationService &&
    !automatedHeader &&
    origin < 3;
  const bareSubject = subject.replace(
    /^(?:(?:re|aw|sv|fw|fwd|tr|wg)\s*[:：]\s*|返信\s*[:：]\s*|転送\s*[:：]\s*)+/i,
    '',
  );
  const body = email.text.slice(0, 64 * 1024);
  let bounce = false;
  if (!personWrites) {
    if (BOUNCE_SUBJECT.test(bareSubject)) {
      note('bounce_subject', 2, 'content');
      bounce = true;
    }
    if (DSN_BODY.test(body)) {
      note('dsn_body', 2, 'content');
      bounce = true;
    }
    if (header(email, 'x-failed-recipients') !== undefined) {
      note('failed_recipients_header', 3, 'content');
      bounce = true;
    }
    if (
      email.attachments.some((a) =>
        /^(message\/(rfc822|global|global-headers)|text\/rfc822-headers)$/.test(a.contentType),
      )
    ) {
      note('quoted_original', 1, 'content');
    }
    if (NOTIFICATION_SUBJECT.test(bareSubject)) note('notification_subject', 2, 'content');
  }
  // A list manager's notice usually keeps the poster's subject (`Re: …`): read it whenever the
  // mail came through a list manager, also under Re:.
  if ((list || !personWrites) && (LIST_NOTICE.test(bareSubject) || LIST_NOTICE.test(body.slice(0, 4096)))) {
    note('list_notice', 2, 'content');
  }
  const automated = origin >= 3 || (origin >= 1 && origin + content >= 3);
  const reason: AutoReplyReason = signals.includes('list_notice')
    ? 'list_notice'
    : daemonSender || signals.includes('daemon_return_path') || signals.includes('daemon_name')
      ? 'automated_sender'
      : nullPath
        ? 'null_return_path'
        : 'notification';
  // A bounce needs a mail system behind it, not only a no-reply notice that mentions an error
  // (au's 「メールエラー通知」 from no-reply@ is one, so a bounce subject with any origin counts).
  return {
    automated,
    bounce: automated && bounce,
    delay: DELAY_SUBJECT.test(bareSubject) && !/fail|失敗|できません/i.test(bareSubject),
    list,
    noReply,
    reason,
    signals,
  };
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
