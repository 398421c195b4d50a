/**
 * What a chat message about an escalation shows, shared by the Slack and Teams builders (and
 * the mail templates' date formatting), so every channel reads the same: the conclusion
 * first (the ask), then customer temperature, the acknowledgement due time in the
 * recipient's own locale and time zone, and the ticket.
 */

export type Temperature = 'calm' | 'concerned' | 'upset' | 'angry';
export type MessageLanguage = 'ja' | 'en';

export interface EscalationCardView {
  escalationId: string;
  /** The decision or action needed: the brief's conclusion. */
  ask: string;
  category?: string;
  temperature: Temperature;
  /** When the receiver must acknowledge by; omitted when no clock runs. */
  dueAtMs?: number;
  ticket: { number: number | string; subject: string };
  /** e.g. "L2 · Network team". */
  level?: string;
  escalatedBy?: string;
  /** Opens the escalation in the console. */
  url: string;
  /**
   * A one-click acknowledge link (Teams incoming webhooks cannot post actions back, so the
   * card opens this URL instead). Slack uses its interactive button and ignores this.
   */
  acknowledgeUrl?: string;
  /** Set once acknowledged: the buttons give way to "Acknowledged by …". */
  acknowledgedBy?: string;
  /** Recipient's locale (`ja`, `en`, `en-GB` …) and IANA time zone. */
  locale: string;
  timeZone: string;
}

/** Japanese for `ja*`, English otherwise. */
export const languageOf = (locale: string | undefined): MessageLanguage =>
  locale?.toLowerCase().startsWith('ja') ? 'ja' : 'en';

/** A date and time the recipient reads without conversion, e.g. `2026年1月5日(月) 18:30 JST`. */
export const formatDateTime = (ms: number, locale: string, timeZone: string): string => {
  const options: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(ms);
  } catch {
    // An unknown zone or locale must not stop a notification; UTC is at least unambiguous.
    return new Intl.DateTimeFormat('en', { ...options, timeZone: 'UTC' }).format(ms);
  }
};

export const temperatureMark: Record<Temperature, string> = {
  calm: '🟢',
  concerned: '🟡',
  upset: '🟠',
  angry: '🔴',
};

const labels = {
  en: {
    title: 'Escalation',
    ask: 'Action needed',
    temperature: 'Customer temperature',
    due: 'Acknowledge by',
    noDue: 'no deadline',
    ticket: 'Ticket',
    level: 'Level',
    category: 'Category',
    escalatedBy: 'Escalated by',
    acknowledge: 'Acknowledge',
    open: 'Open',
    acknowledgedBy: 'Acknowledged by',
    temperatures: { calm: 'Calm', concerned: 'Concerned', upset: 'Upset', angry: 'Angry' },
  },
  ja: {
    title: 'エスカレーション',
    ask: '対応依頼',
    temperature: '温度感',
    due: '受付期限',
    noDue: '期限なし',
    ticket: 'チケット',
    level: 'レベル',
    category: 'カテゴリ',
    escalatedBy: '依頼者',
    acknowledge: '受付',
    open: '開く',
    acknowledgedBy: '受付済み:',
    temperatures: { calm: '平静', concerned: '心配', upset: '不満', angry: '激怒' },
  },
} as const;

export type CardLabels = (typeof labels)[MessageLanguage];
export const cardLabels = (locale: string): CardLabels => labels[languageOf(locale)];

/** The card's facts, already localised, in display order. */
export const cardFacts = (view: EscalationCardView): { label: string; value: string }[] => {
  const l = cardLabels(view.locale);
  const facts: { label: string; value: string }[] = [
    {
      label: l.temperature,
      value: `${temperatureMark[view.temperature]} ${l.temperatures[view.temperature]}`,
    },
    {
      label: l.due,
      value: view.dueAtMs === undefined ? l.noDue : formatDateTime(view.dueAtMs, view.locale, view.timeZone),
    },
    { label: l.ticket, value: `#${view.ticket.number} ${view.ticket.subject}` },
  ];
  if (view.level) facts.push({ label: l.level, value: view.level });
  if (view.category) facts.push({ label: l.category, value: view.category });
  if (view.escalatedBy) facts.push({ label: l.escalatedBy, value: view.escalatedBy });
  return facts;
};

/** One line for notification previews and clients that cannot show cards. */
export const cardSummary = (view: EscalationCardView): string => {
  const l = cardLabels(view.locale);
  return `${temperatureMark[view.temperature]} ${l.title} #${view.ticket.number}: ${view.ask}`;
};

export const truncate = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
