/** Checks of a brief against the fields a level makes mandatory. */
import type { FieldProblem } from '../../lib/errors.js';
import type { BriefField } from '../paths/index.js';
import type { Brief } from './escalation.types.js';

const isFilled = (brief: Brief, field: BriefField): boolean => {
  switch (field) {
    case 'links':
      return brief.links.length > 0;
    case 'impact':
      return (
        brief.impact.note.trim() !== '' ||
        brief.impact.revenueRisk ||
        brief.impact.legalRisk ||
        brief.impact.scope !== 'this_customer'
      );
    case 'customerTemperature':
      return true;
    default:
      return brief[field].trim() !== '';
  }
};

/**
 * Required fields that are empty. `customerTemperature` always has a value; `impact` counts as
 * filled once it says more than the default (a note, a risk, or a scope beyond this customer).
 */
export const missingBriefFields = (brief: Brief, required: readonly BriefField[]): FieldProblem[] =>
  [...new Set(required)]
    .filter((f) => !isFilled(brief, f))
    .map((f) => ({ field: `brief.${f}`, message: 'is required by this escalation level', code: 'required_by_level' }));

/** The schemes a brief link may use: a link is clicked by the receiver, so no javascript:, data:, file:… */
export const BRIEF_LINK_SCHEMES = ['http:', 'https:', 'mailto:'] as const;

/** Links whose scheme is not http, https or mailto (or that are not URLs at all). */
export const unsafeBriefLinks = (links: readonly { url: string }[]): FieldProblem[] =>
  links.flatMap((l, i) => {
    let scheme = '';
    try {
      scheme = new URL(l.url.trim()).protocol.toLowerCase();
    } catch {
      // not an absolute URL
    }
    return (BRIEF_LINK_SCHEMES as readonly string[]).includes(scheme) && /^[a-z]/i.test(l.url.trim())
      ? []
      : [{ field: `brief.links.${i}.url`, message: 'must be an http, https or mailto link', code: 'link_scheme_refused' }];
  });
