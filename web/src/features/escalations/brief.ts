import type { Brief, BriefField } from './types.js';

/**
 * Mirrors the server's check (brief.policy.ts) so the dialog can say what is missing before
 * sending: `customerTemperature` always has a value; `impact` counts once it says more than the
 * default (a note, a risk, or a scope beyond this customer).
 */
export function isBriefFieldFilled(brief: Brief, field: BriefField): boolean {
  switch (field) {
    case 'links':
      return brief.links.some((l) => l.url.trim() !== '');
    case 'impact':
      return brief.impact.note.trim() !== '' || brief.impact.revenueRisk || brief.impact.legalRisk || brief.impact.scope !== 'this_customer';
    case 'customerTemperature':
      return true;
    default:
      return brief[field].trim() !== '';
  }
}

export const missingFields = (brief: Brief, required: readonly string[]): BriefField[] =>
  [...new Set(required)].filter((f): f is BriefField => f in brief && !isBriefFieldFilled(brief, f as BriefField));

/** What is sent: links without a URL are dropped, text is trimmed. */
export const cleanBrief = (b: Brief): Brief => ({
  ...b,
  category: b.category.trim(),
  ask: b.ask.trim(),
  concern: b.concern.trim(),
  tried: b.tried.trim(),
  environment: b.environment.trim(),
  background: b.background.trim(),
  impact: { ...b.impact, note: b.impact.note.trim() },
  links: b.links.filter((l) => l.url.trim() !== '').map((l) => ({ url: l.url.trim(), label: l.label.trim() })),
});
