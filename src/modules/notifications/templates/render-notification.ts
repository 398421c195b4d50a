import { AppError } from '../../../lib/errors.js';
import {
  cardLabels,
  formatDateTime,
  languageOf,
  temperatureMark,
  type MessageLanguage,
  type Temperature,
} from '../../../integrations/escalation-card.js';
import { compileTemplate, type TemplateFn, type TemplateMode } from './compile-template.js';
import {
  defaultTemplates,
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  type TemplateSet,
} from './default-templates.js';

/** Why a reply was held: DMARC failed (nothing aligned), or DNS could not answer. */
export type HeldReason = 'dmarc_fail' | 'dns_temperror';

export type SlaClock = 'first_response' | 'next_response' | 'resolution' | 'acknowledgement';
export type DigestItemEvent = Exclude<NotificationEvent, 'digest'>;

/** What the caller knows; renderNotification localises it into a NotificationContext. */
export interface NotificationData {
  recipient: { name: string; timeZone: string };
  ticket: { number: number | string; subject: string; url: string };
  escalation?: {
    id: string;
    ask: string;
    temperature: Temperature;
    dueAtMs?: number;
    level?: string;
    category?: string;
    /** Who escalated. */
    by?: string;
    /** Return reason, or why it advanced. */
    reason?: string;
    /** The department (team, rotation or person) a target_expired notice is about. */
    targetName?: string;
    /** What the receiver wrote when returning it. */
    returnText?: string;
    /** The receiver's answer on resolving it. */
    answer?: string;
    /** A message on the open escalation (information added, or a question). */
    message?: string;
    isQuestion?: boolean;
    /** The notice goes to the person who escalated (where it is now), not to a receiver. */
    forRequester?: boolean;
    url: string;
    acknowledgeUrl?: string;
  };
  sla?: { clock: SlaClock; dueAtMs: number; assigneeName?: string };
  /** incident.*: the major incident (issue 17); texts already in the recipient's language. */
  incident?: {
    id: string;
    title: string;
    severity: string;
    url: string;
    /** update_posted: investigating | identified | monitoring | resolved. */
    state?: string;
    /** The update's or the resolution's text in the reader's language. */
    body?: string;
    internal?: boolean;
    nextUpdateAtMs?: number;
    /** role_changed: the task-force role, and who holds it now (absent: stood down). */
    role?: string;
    personName?: string;
    /** resolve_target_passed: when the target passed, and whether an escalation started. */
    dueAtMs?: number;
    escalated?: boolean;
  };
  /** escalation_path.review_due: the path whose periodic review is due, and its review report. */
  path?: { id: string; name: string; url: string; reviewUrl: string; dueAtMs: number; lastReviewedAtMs?: number };
  /** email.held: the reply held as unverified, and why (a code the template words). */
  held?: { from: string; subject: string; reason: HeldReason; fromDomain?: string | null; url: string };
  /** Who acted (acknowledged, returned). */
  actorName?: string;
  /** digest: the grouped events for this person and ticket, oldest first. */
  items?: { event: DigestItemEvent; atMs: number; actorName?: string; summary?: string }[];
  settingsUrl?: string;
}

/** What templates see: the data plus localised, pre-formatted strings. */
export interface NotificationContext extends Omit<NotificationData, 'escalation' | 'sla' | 'items' | 'held' | 'incident' | 'path'> {
  path?: NotificationData['path'] & { dueText: string; lastReviewedText: string };
  incident?: NotificationData['incident'] & { stateText: string; roleText: string; nextText: string; dueText: string };
  language: MessageLanguage;
  locale: string;
  timeZone: string;
  subject?: string;
  /** reasonText: a return reason in the reader's language (other reasons as given). */
  escalation?: NotificationData['escalation'] & { temperatureText: string; dueText: string; reasonText?: string };
  sla?: NotificationData['sla'] & { clockText: string; dueText: string };
  held?: NotificationData['held'] & { reasonText: string };
  items?: (NonNullable<NotificationData['items']>[number] & { label: string; atText: string })[];
  count: number;
}

export interface RenderedNotification {
  subject: string;
  text: string;
  html: string;
}

const slaClockText: Record<MessageLanguage, Record<SlaClock, string>> = {
  en: {
    first_response: 'first response',
    next_response: 'next response',
    resolution: 'resolution',
    acknowledgement: 'escalation acknowledgement',
  },
  ja: {
    first_response: '初回応答',
    next_response: '次回応答',
    resolution: '解決',
    acknowledgement: 'エスカレーション受付',
  },
};

const eventLabel: Record<MessageLanguage, Record<DigestItemEvent, string>> = {
  en: {
    'escalation.requested': 'Escalation requested',
    'escalation.reminder': 'Reminder',
    'escalation.advanced': 'Moved to the next level',
    'escalation.returned': 'Returned',
    'escalation.acknowledged': 'Acknowledged',
    'escalation.target_expired': 'No answer from a department',
    'escalation.message': 'Message on the escalation',
    'escalation.resolved': 'Resolved',
    'sla.warning': 'SLA warning',
    'sla.breached': 'SLA breached',
    'email.held': 'Reply held (unverified sender)',
    'incident.declared': 'Major incident declared',
    'incident.update_posted': 'Incident update',
    'incident.role_changed': 'Task force role changed',
    'incident.resolved': 'Incident resolved',
    'incident.rca_approved': 'RCA approved',
    'incident.resolve_target_passed': 'Resolution target passed',
    'escalation_path.review_due': 'Path review due',
  },
  ja: {
    'escalation.requested': 'エスカレーション依頼',
    'escalation.reminder': 'リマインド',
    'escalation.advanced': '次のレベルへ移行',
    'escalation.returned': '差し戻し',
    'escalation.acknowledged': '受付',
    'escalation.target_expired': '部署からの応答なし',
    'escalation.message': 'エスカレーションへのメッセージ',
    'escalation.resolved': '解決（回答あり）',
    'sla.warning': 'SLA警告',
    'sla.breached': 'SLA違反',
    'email.held': '返信を保留（送信者未確認）',
    'incident.declared': '重大障害の宣言',
    'incident.update_posted': '障害の続報',
    'incident.role_changed': '対応チームの役割変更',
    'incident.resolved': '障害の解決',
    'incident.rca_approved': 'RCA の承認',
    'incident.resolve_target_passed': '解決目標時刻の超過',
    'escalation_path.review_due': 'パスの見直し時期',
  },
};

const incidentStateText: Record<MessageLanguage, Record<string, string>> = {
  en: { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved' },
  ja: { investigating: '調査中', identified: '原因特定', monitoring: '経過観察', resolved: '解決' },
};

const incidentRoleText: Record<MessageLanguage, Record<string, string>> = {
  en: { commander: 'incident commander', communications_lead: 'communications lead', technical_lead: 'technical lead', customer_liaison: 'customer liaison', scribe: 'scribe' },
  ja: { commander: 'インシデント指揮者', communications_lead: '広報担当', technical_lead: '技術リーダー', customer_liaison: '顧客窓口', scribe: '記録係' },
};

const returnReasonText: Record<MessageLanguage, Record<string, string>> = {
  en: { not_needed: 'No escalation needed', wrong_target: 'Wrong receiver', missing_information: 'Information missing' },
  ja: { not_needed: 'エスカレーション不要', wrong_target: '依頼先の誤り', missing_information: '情報不足' },
};

const heldReasonText: Record<MessageLanguage, Record<HeldReason, string>> = {
  en: {
    dmarc_fail: 'the sender domain publishes DMARC and neither SPF nor DKIM matched the From address',
    dns_temperror: 'the sender could not be checked (DNS did not answer)',
  },
  ja: {
    dmarc_fail: '送信元ドメインは DMARC を公開していますが、SPF と DKIM のどちらも差出人アドレスと一致しませんでした',
    dns_temperror: '送信者を確認できませんでした（DNS が応答しませんでした）',
  },
};

/** Generic text for an event without a template of its own, so nobody reads a raw event name. */
export const genericNotificationText = (locale: string, kind: 'escalation' | 'other'): string =>
  languageOf(locale) === 'ja'
    ? kind === 'escalation' ? 'エスカレーションに更新があります' : 'チケットに更新があります'
    : kind === 'escalation' ? 'An escalation was updated' : 'A ticket was updated';

const needs = (event: NotificationEvent): 'escalation' | 'sla' | 'items' | 'held' | 'incident' | 'path' =>
  event === 'digest' ? 'items' : event === 'email.held' ? 'held' : event === 'escalation_path.review_due' ? 'path' : event.startsWith('sla.') ? 'sla' : event.startsWith('incident.') ? 'incident' : 'escalation';

/** Localises dates and labels once, so every template (default or edited) gets the same facts. */
export const buildNotificationContext = (
  event: NotificationEvent,
  locale: string,
  data: NotificationData,
): NotificationContext => {
  const language = languageOf(locale);
  const l = cardLabels(language);
  const timeZone = data.recipient.timeZone;
  const when = (ms: number): string => formatDateTime(ms, locale, timeZone);
  const missing = needs(event);
  if (missing === 'items' ? !data.items?.length : !data[missing]) {
    throw new AppError('internal', `Notification ${event} needs ${missing} in its data.`);
  }
  const { escalation, sla, items, held, incident, path, ...rest } = data;
  return {
    ...rest,
    language,
    locale,
    timeZone,
    escalation: escalation && {
      ...escalation,
      temperatureText: `${temperatureMark[escalation.temperature]} ${l.temperatures[escalation.temperature]}`,
      dueText: escalation.dueAtMs === undefined ? l.noDue : when(escalation.dueAtMs),
      ...(escalation.reason && { reasonText: returnReasonText[language][escalation.reason] ?? escalation.reason }),
    },
    sla: sla && { ...sla, clockText: slaClockText[language][sla.clock], dueText: when(sla.dueAtMs) },
    incident: incident && {
      ...incident,
      stateText: incident.state ? (incidentStateText[language][incident.state] ?? incident.state) : '',
      roleText: incident.role ? (incidentRoleText[language][incident.role] ?? incident.role) : '',
      nextText: incident.nextUpdateAtMs === undefined ? '' : when(incident.nextUpdateAtMs),
      dueText: incident.dueAtMs === undefined ? '' : when(incident.dueAtMs),
    },
    path: path && { ...path, dueText: when(path.dueAtMs), lastReviewedText: path.lastReviewedAtMs === undefined ? '' : when(path.lastReviewedAtMs) },
    held: held && { ...held, reasonText: heldReasonText[language][held.reason] ?? held.reason },
    items: items?.map((item) => ({
      ...item,
      label: eventLabel[language][item.event],
      atText: when(item.atMs),
    })),
    count: items?.length ?? 0,
  };
};

const compiled = new Map<string, TemplateFn>();
const MAX_CACHED = 500;

const compileCached = (source: string, mode: TemplateMode, field: string): TemplateFn => {
  const key = `${mode}\u0000${source}`;
  let fn = compiled.get(key);
  if (!fn) {
    fn = compileTemplate(source, mode, field);
    // Edited templates accumulate over a long run; start over rather than grow without bound.
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(key, fn);
  }
  return fn;
};

/**
 * Subject, plain text and HTML for one notification in the recipient's language (`ja*` →
 * Japanese, anything else → English). `overrides` are an administrator's edited sources for
 * this event and language; they were validated with `compileTemplate` when saved.
 */
export const renderNotification = (
  event: NotificationEvent,
  locale: string,
  data: NotificationData,
  overrides: Partial<TemplateSet> = {},
): RenderedNotification => {
  if (!NOTIFICATION_EVENTS.includes(event))
    throw new AppError('internal', `Unknown notification event ${String(event)}.`);
  const context = buildNotificationContext(event, locale, data);
  const sources = { ...defaultTemplates[event][context.language], ...overrides };
  try {
    // Subjects are a header: one line, no markup.
    const subject = compileCached(sources.subject, 'text', 'subject')(context).replace(/\s+/g, ' ').trim();
    const withSubject = { ...context, subject };
    return {
      subject,
      text: compileCached(sources.text, 'text', 'text')(withSubject).replace(/\n{3,}/g, '\n\n'),
      html: compileCached(sources.html, 'html', 'html')(withSubject),
    };
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('internal', `Notification ${event} could not be rendered.`, undefined, { cause: err });
  }
};
