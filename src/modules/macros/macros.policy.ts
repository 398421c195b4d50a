import type { FieldProblem } from '../../lib/errors.js';
import type { MacroLanguage } from './macros.types.js';

/** The placeholders a macro may use; anything else would render as nothing. */
export const MACRO_PLACEHOLDERS = ['customer.name', 'ticket.number', 'ticket.subject', 'agent.name'] as const;

/**
 * Simple `{{name}}` / `{{{name}}}` mustaches naming an unknown value, so a typo
 * ({{customer.nmae}}) is refused when saving instead of silently sending an empty name.
 */
export function unknownPlaceholders(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/\{\{\{?&?\s*([A-Za-z_][\w.]*)\s*\}?\}\}/g)) {
    const name = m[1]!;
    if (name === 'else' || name === 'this') continue;
    if (!(MACRO_PLACEHOLDERS as readonly string[]).includes(name)) found.add(name);
  }
  return [...found];
}

export function macroProblems(m: { name: string; bodyJa: string; bodyEn: string }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (m.name.trim() === '') problems.push({ field: 'name', message: 'give the macro a name', code: 'empty' });
  if (m.bodyJa.trim() === '' && m.bodyEn.trim() === '') problems.push({ field: 'bodyJa', message: 'write the text in Japanese, English or both', code: 'macro_text_required' });
  for (const [field, body] of [['bodyJa', m.bodyJa], ['bodyEn', m.bodyEn]] as const) {
    const unknown = unknownPlaceholders(body);
    if (unknown.length)
      problems.push({ field, message: `unknown placeholder ${unknown.map((u) => `{{${u}}}`).join(', ')}; use ${MACRO_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`, code: 'unknown_placeholder' });
  }
  return problems;
}

/**
 * The language to render: the one asked, else the requester's (ja for a Japanese locale,
 * otherwise en); when the macro has no text in it, the other one.
 */
export function macroLanguage(m: { bodyJa: string; bodyEn: string }, asked: MacroLanguage | undefined, requesterLocale: string | null | undefined): MacroLanguage {
  const wanted: MacroLanguage = asked ?? (requesterLocale?.toLowerCase().startsWith('ja') ? 'ja' : 'en');
  const has = (l: MacroLanguage) => (l === 'ja' ? m.bodyJa : m.bodyEn).trim() !== '';
  if (has(wanted)) return wanted;
  return wanted === 'ja' ? 'en' : 'ja';
}
