/** Checks of a brief against the fields a level makes mandatory. */
import type { FieldProblem } from '../../lib/errors.js';
import type { Brief, BriefField } from './escalation.types.js';

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
    .map((f) => ({ field: `brief.${f}`, message: 'is required by this escalation level' }));
