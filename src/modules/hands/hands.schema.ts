/**
 * TypeBox schemas of raise a hand's inputs: the hand, its lines and outcomes, the phone
 * state and the workspace configuration. The compile-time checks keep them equal to the types.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, OneOf } from '../../http/schemas.js';
import { BRIEF_LIMITS } from '../escalations/index.js';
import { TargetSchema, TemperatureSchema } from '../paths/index.js';
import { HAND_OUTCOMES, JOIN_MODES, TEMPERATURE_POSITIONS, type HandTarget, type HandsConfig } from './hands.types.js';

const Text = (maxLength: number, description: string) => Type.String({ maxLength, description });

export const RaiseHandBody = Type.Object(
  {
    category: Type.String({ minLength: 1, maxLength: BRIEF_LIMITS.category, description: 'category of the inquiry, from the site\'s list' }),
    ask: Type.Optional(Text(BRIEF_LIMITS.ask, 'what the supervisor must decide — the conclusion first (this or concern)')),
    concern: Type.Optional(Text(BRIEF_LIMITS.concern, 'what the operator is worried about (the concern pattern)')),
    tried: Type.Optional(Text(BRIEF_LIMITS.tried, 'what was already tried')),
    environment: Type.Optional(Text(BRIEF_LIMITS.environment, "the customer's environment")),
    background: Type.Optional(Text(BRIEF_LIMITS.background, 'background')),
    temperature: Type.Optional(Nullable(TemperatureSchema)),
    ticketId: Type.Optional(Nullable(Id)),
    teamId: Type.Optional(Nullable(Id)),
    callId: Type.Optional(Nullable(Type.String({ maxLength: 200, description: "the phone system's call id (default: the operator's current call)" }))),
    callerNumber: Type.Optional(Nullable(Type.String({ maxLength: 50, description: 'the caller number (default: the current call\'s); finds the customer' }))),
  },
  { additionalProperties: false, description: 'a raised hand: category and the ask (or concern) first, then the details' },
);
export type RaiseHandBody = Static<typeof RaiseHandBody>;

export const HandMessageBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: 2000, description: 'one line of the live thread' }) }, { additionalProperties: false });

export const CloseHandBody = Type.Object(
  {
    outcome: OneOf(['answered', 'callback', 'resolved_self'] as const, { description: 'answered (keep the answer line), callback (a follow-up with a due time on the ticket) or resolved_self (the operator solved it)' }),
    answer: Type.Optional(Type.String({ maxLength: 2000, description: 'the answer line (answered) or what was promised (callback)' })),
    callbackDueAt: Type.Optional(Type.String({ format: 'date-time', description: 'callback: when the customer is called back' })),
  },
  { additionalProperties: false },
);
export type CloseHandBody = Static<typeof CloseHandBody>;

export const EscalateHandBody = Type.Object(
  {
    pathId: Type.Optional(Id),
    levelIndex: Type.Optional(Type.Integer({ minimum: 0 })),
    target: Type.Optional(TargetSchema),
    to: Type.Optional(OneOf(['my_supervisor'] as const)),
  },
  { additionalProperties: false, description: 'where the escalation goes (as POST /tickets/{id}/escalations); the brief is taken from the hand' },
);
export type EscalateHandBody = Static<typeof EscalateHandBody>;

export const JoinCallBody = Type.Object({ mode: OneOf(JOIN_MODES, { description: 'monitor, whisper or barge (done in the phone system; recorded here)' }) }, { additionalProperties: false });

export const CallBody = Type.Object(
  {
    onCall: Type.Boolean({ description: 'true when the call starts, false when it ends' }),
    callId: Type.Optional(Nullable(Type.String({ maxLength: 200, description: "the phone system's call id" }))),
    callerNumber: Type.Optional(Nullable(Type.String({ maxLength: 50, description: 'the caller number (E.164 or as the PBX writes it)' }))),
  },
  { additionalProperties: false, description: 'phone state from a CTI or PBX integration' },
);
export type CallBody = Static<typeof CallBody>;

export const HandAvailabilityBody = Type.Object({ availableForHands: Type.Boolean({ description: 'alerted for raised hands (independent of ticket availability)' }) }, { additionalProperties: false });

export const HandTargetSchema = Type.Union(
  [
    Type.Object({ type: Type.Literal('operator_team_supervisors') }, { additionalProperties: false, description: "the supervisors of the operator's team (team leader)" }),
    Type.Object({ type: Type.Literal('team_supervisors'), teamId: Id }, { additionalProperties: false, description: 'the supervisors of a team (a skill group)' }),
    Type.Object({ type: Type.Literal('all_supervisors') }, { additionalProperties: false, description: 'every supervisor on the floor' }),
    Type.Object({ type: Type.Literal('managers') }, { additionalProperties: false, description: 'every manager (the floor manager)' }),
    Type.Object({ type: Type.Literal('user'), userId: Id }, { additionalProperties: false, description: 'one person' }),
  ],
  { description: 'who a tier alerts' },
);

const Example = Type.Object({ category: Type.String({ maxLength: 200 }), ask: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });

export const HandsConfigSchema = Type.Object(
  {
    tiers: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 100 }),
          targets: Type.Array(HandTargetSchema, { maxItems: 20 }),
          timeoutSeconds: Type.Integer({ minimum: 1, maximum: 300, description: 'seconds this tier has the hand before the next is alerted too (default 12)' }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 10, description: 'alerted in order; a hand nobody claims after the last stays open, highlighted, and alerts the managers' },
    ),
    categories: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 }),
    examples: Type.Object({ ja: Type.Array(Example, { maxItems: 20 }), en: Type.Array(Example, { maxItems: 20 }) }, { additionalProperties: false }),
    temperaturePosition: OneOf(TEMPERATURE_POSITIONS, { description: "the site's rule: temperature first, or deliberately last" }),
    maxPerSupervisor: Type.Integer({ minimum: 1, maximum: 20, description: 'hands one supervisor holds at once' }),
    claimTargetSeconds: Type.Integer({ minimum: 1, maximum: 600, description: 'target seconds to claim (reports)' }),
  },
  { additionalProperties: false, description: 'raise a hand: tiers, categories, playbook examples and the temperature rule' },
);

export const HandOutcomeSchema = OneOf(HAND_OUTCOMES);

// Compile-time: the schemas and the domain types describe the same data.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _schemasMatchTypes: [Same<Static<typeof HandTargetSchema>, HandTarget>, Same<Static<typeof HandsConfigSchema>, HandsConfig>] = [true, true];
