/**
 * Pure rules of customer data requests (APPI, GDPR): what an erasure writes instead of personal
 * data, and which rows a retention period purges. No I/O; time is passed in.
 */

/** Written where a message body, subject or free text was. */
export const ERASED_TEXT = '[erased]';
/** The erased customer's name; the console shows its own words for an erased customer. */
export const ERASED_NAME = 'Erased customer';

const DAY_MS = 86_400_000;

/** The instant before which rows are purged, or null when the period is 0 (keep forever). */
export function retentionCutoff(now: number, days: number): number | null {
  return days > 0 ? now - days * DAY_MS : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/** Machine tokens: kinds, statuses, field names (lower-case words joined by _ . -). */
const TOKEN = /^[a-z][a-z0-9_.-]{0,39}$/;

/** Keys naming configuration (an SLA policy, a path, a team), not people: their values stay. */
const CONFIG_KEYS = new Set(['policyname', 'pathname', 'teamname', 'levelname', 'calendarname', 'rotationname', 'clockkind', 'category']);
/** Keys whose string values are people's words or identity, whatever they look like. */
const PERSONAL_KEYS = new Set(['filename', 'name', 'subject', 'address', 'email', 'phone', 'body', 'text', 'note', 'summary', 'answer', 'title', 'from', 'to', 'cc', 'url', 'label']);

/**
 * A JSON value with every string that could carry personal data replaced by ERASED_TEXT. Ids,
 * instants and short machine tokens (kinds, statuses, field names) stay, so the timeline still
 * says what happened; a token that contains one of the `needles` (the customer's name, email,
 * phone in lower case), or is the value of a key like filename, name or subject, goes too.
 * Numbers and booleans stay; object keys are the code's own.
 */
export function scrubJson(value: unknown, needles: readonly string[] = [], key = ''): unknown {
  if (typeof value === 'string') {
    const k = key.toLowerCase();
    if (CONFIG_KEYS.has(k) && !needles.some((n) => value.toLowerCase().includes(n))) return value;
    return !PERSONAL_KEYS.has(k) && keepString(value, needles) ? value : ERASED_TEXT;
  }
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, needles, key));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubJson(v, needles, k)]));
  return value;
}

function keepString(s: string, needles: readonly string[]): boolean {
  if (s === '' || s === ERASED_TEXT || UUID.test(s) || ISO_INSTANT.test(s)) return true;
  if (!TOKEN.test(s)) return false;
  const lower = s.toLowerCase();
  return !needles.some((n) => n.length >= 3 && lower.includes(n));
}

/**
 * The lower-cased strings that identify a customer: the name and each word of it, the email
 * and its local part, the phone (for scrubJson, and the job payload and audit scans).
 */
export function needlesOf(c: { name: string; email: string | null; phone: string | null }): string[] {
  const name = c.name.trim().toLowerCase();
  const email = c.email?.trim().toLowerCase() ?? '';
  const all = [name, ...name.split(/[\s\u3000]+/), email, email.split('@')[0] ?? '', c.phone?.trim().toLowerCase() ?? ''];
  return [...new Set(all.filter((x) => x.length >= 3))];
}

/** An escalation brief with its free text erased; the category and the flags stay. */
export function erasedBrief(brief: Record<string, unknown>): Record<string, unknown> {
  const impact = (brief.impact ?? {}) as Record<string, unknown>;
  return {
    ...brief,
    ask: ERASED_TEXT,
    concern: ERASED_TEXT,
    tried: ERASED_TEXT,
    environment: ERASED_TEXT,
    background: ERASED_TEXT,
    impact: { ...impact, note: ERASED_TEXT },
    links: [],
  };
}

/** An escalation's state with the return text and the answer erased (the engine's fields stay). */
export function erasedEscalationState(state: Record<string, unknown>): Record<string, unknown> {
  const returned = state.returned as Record<string, unknown> | null | undefined;
  const resolved = state.resolved as Record<string, unknown> | null | undefined;
  return {
    ...state,
    ...(returned && { returned: { ...returned, text: ERASED_TEXT } }),
    ...(resolved && { resolved: { ...resolved, answer: resolved.answer == null ? null : ERASED_TEXT } }),
  };
}

/** A CC list without the erased address. */
export function withoutAddress(ccJson: string, email: string): string {
  let list: unknown;
  try {
    list = JSON.parse(ccJson);
  } catch {
    return '[]';
  }
  return JSON.stringify(Array.isArray(list) ? list.filter((a) => typeof a !== 'string' || a.toLowerCase() !== email.toLowerCase()) : []);
}

/** Text with every occurrence of the address (any case) replaced by ERASED_TEXT. */
export function replaceAddress(text: string, email: string): string {
  return text.replace(new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), ERASED_TEXT);
}

/** A JSON value with the address replaced in every string (other people's data stays as it was). */
export function replaceAddressInJson(value: unknown, email: string): unknown {
  if (typeof value === 'string') return replaceAddress(value, email);
  if (Array.isArray(value)) return value.map((v) => replaceAddressInJson(v, email));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceAddressInJson(v, email)]));
  return value;
}
