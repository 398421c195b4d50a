/** Pure helpers for RFC 5322-style header blocks (mail headers, DSN fields, ARF reports). */

export interface HeaderField {
  /** Lower-cased field name. */
  name: string;
  /** Unfolded, trimmed value. */
  value: string;
}

/**
 * Reads header fields up to the first empty line. Folded lines are joined; lines that are not
 * fields (no colon, stray text) are skipped rather than failing: this also reads the loose
 * `message/delivery-status` bodies that real MTAs produce.
 */
export function parseHeaderFields(text: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of text.split(/\r?\n/)) {
    // Only an empty line ends the block: a whitespace-only line inside a folded field is
    // obsolete but real folding (RFC 5322 obs-FWS), not the end of the headers.
    if (line === '' || (line.trim() === '' && fields.length === 0)) {
      if (fields.length > 0) break;
      continue;
    }
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line)) {
      if (last) last.value = `${last.value} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    fields.push({ name, value: line.slice(colon + 1).trim() });
  }
  return fields;
}

/**
 * Splits a `message/delivery-status` body into its groups (per-message fields first, then one
 * group per recipient), each as a field map. Groups are separated by empty lines.
 */
export function parseFieldGroups(text: string): Array<Record<string, string>> {
  return text
    .split(/\r?\n[ \t]*\r?\n/)
    .map((block) => toFirstValueMap(parseHeaderFields(block)))
    .filter((group) => Object.keys(group).length > 0);
}

export function toHeaderMap(fields: HeaderField[]): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const { name, value } of fields) (map[name] ??= []).push(value);
  return map;
}

function toFirstValueMap(fields: HeaderField[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const { name, value } of fields) if (!(name in map)) map[name] = value;
  return map;
}

/** `<abc@example.com>` (or a bare `abc@example.com`) → `abc@example.com`; null when empty. */
export function normaliseMessageId(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const bracketed = /<([^<>]+)>/.exec(raw);
  const id = bracketed
    ? compactId(bracketed[1] ?? '')
    : stripControls(raw)
        .trim()
        .split(/[\s,]+/)[0];
  return id && id.length > 0 ? id : null;
}

/** Obsolete RFC 822 syntax allows comments and spaces inside an id: `<1234 @ local(x) .example>`. */
function compactId(id: string): string {
  return stripControls(id.replace(/\([^()]*\)/g, '')).replace(/\s+/g, '');
}

/** Control characters (NUL above all: PostgreSQL text cannot hold it) have no place in an id. */
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const stripControls = (s: string): string => s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '');

/** All message ids in a References / In-Reply-To value, in header order, without duplicates. */
export function parseMessageIdList(raw: string | string[] | null | undefined): string[] {
  if (!raw) return [];
  const text = Array.isArray(raw) ? raw.join(' ') : raw;
  const bracketed = [...text.matchAll(/<([^<>]+)>/g)]
    .map((m) => compactId(m[1] ?? ''))
    .filter((id) => id !== '');
  const ids = bracketed.length > 0 ? bracketed : text.split(/[\s,]+/).filter((s) => s.includes('@'));
  return [...new Set(ids)];
}

/** `rfc822; User@Example.com` → `user@example.com` (the address-type prefix of DSN fields dropped). */
export function dsnAddress(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const value = raw.includes(';') ? raw.slice(raw.indexOf(';') + 1) : raw;
  const address = value.trim().replace(/^<|>$/g, '').toLowerCase();
  return address.length > 0 ? address : undefined;
}
