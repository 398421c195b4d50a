/**
 * TypeBox schemas of the escalation module's inputs: briefs and returns (path and rotation
 * schemas live in paths/ and oncall/). The compile-time check at the bottom keeps them equal
 * to the domain types.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { OneOf } from '../../http/schemas.js';
import { TemperatureSchema } from '../paths/index.js';
import { BRIEF_LIMITS, IMPACT_SCOPES, RETURN_REASONS, type Brief } from './escalation.types.js';

const List = <T extends TSchema>(item: T, maxItems: number, description: string) =>
  Type.Array(item, { maxItems, description });

export const ReturnReasonSchema = OneOf(RETURN_REASONS, {
  description: 'why the receiver hands it back: not_needed, wrong_target or missing_information',
});

export const BriefSchema = Type.Object(
  {
    category: Type.String({ maxLength: BRIEF_LIMITS.category, description: 'category of the question' }),
    ask: Type.String({
      maxLength: BRIEF_LIMITS.ask,
      description: 'the decision or action needed — the conclusion first',
    }),
    concern: Type.String({
      maxLength: BRIEF_LIMITS.concern,
      description: 'what worries the agent or customer',
    }),
    tried: Type.String({ maxLength: BRIEF_LIMITS.tried, description: 'what was already tried' }),
    environment: Type.String({
      maxLength: BRIEF_LIMITS.environment,
      description: 'customer information and environment',
    }),
    background: Type.String({
      maxLength: BRIEF_LIMITS.background,
      description: 'background (a summary of the timeline is offered)',
    }),
    customerTemperature: TemperatureSchema,
    impact: Type.Object(
      {
        scope: OneOf(IMPACT_SCOPES, { description: 'this_customer, several or many' }),
        revenueRisk: Type.Boolean({ description: 'money is at stake' }),
        legalRisk: Type.Boolean({ description: 'legal or compliance risk' }),
        note: Type.String({ maxLength: BRIEF_LIMITS.impactNote, description: 'impact in words' }),
      },
      { additionalProperties: false },
    ),
    links: List(
      Type.Object(
        {
          url: Type.String({
            minLength: 1,
            maxLength: BRIEF_LIMITS.linkUrl,
            // Only http, https and mailto (any case): a javascript: or data: link would run when clicked.
            pattern: '^\\s*([hH][tT][tT][pP][sS]?|[mM][aA][iI][lL][tT][oO]):',
            description: 'an http, https or mailto link to a record or file',
          }),
          label: Type.String({ maxLength: BRIEF_LIMITS.linkLabel, description: 'what the link is' }),
        },
        { additionalProperties: false },
      ),
      BRIEF_LIMITS.links,
      'links to records and files',
    ),
  },
  {
    additionalProperties: false,
    description: 'the hand-over (エスカレーション内容), written conclusion first',
  },
);
export const ReturnSchema = Type.Object(
  {
    reason: ReturnReasonSchema,
    text: Type.String({
      minLength: 1,
      maxLength: 5000,
      description: 'what the escalating agent should know or do',
    }),
  },
  { additionalProperties: false, description: 'hand an escalation back (差し戻し)' },
);
// Compile-time: the schema and the domain type describe the same data.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _schemasMatchTypes: [Same<Static<typeof BriefSchema>, Brief>] = [true];
