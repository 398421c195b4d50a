/**
 * TypeBox schemas of the escalation module's inputs: path definitions, levels, targets,
 * briefs, rotations and returns. The routes validate with them and OpenAPI documents them;
 * the compile-time checks at the bottom keep them equal to the domain types.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { OneOf, Nullable } from '../../http/schemas.js';
import {
  AVAILABILITIES,
  BRIEF_FIELDS,
  BRIEF_LIMITS,
  CUSTOMER_TEMPERATURES,
  IMPACT_SCOPES,
  LEVEL_KINDS,
  MATCH_FACT_CODES,
  PATH_CHANNELS,
  PATH_PRIORITIES,
  RETURN_REASONS,
  TAG_MODES,
  TARGET_ROLES,
  type Brief,
  type Level,
  type PathDefinition,
  type Rotation,
  type Target,
} from './escalation.types.js';

const Ref = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'identifier of a user, team, rotation or calendar',
});
const Label = (maxLength: number, description: string) => Type.String({ maxLength, description });
const List = <T extends TSchema>(item: T, maxItems: number, description: string) =>
  Type.Array(item, { maxItems, description });

export const PrioritySchema = OneOf(PATH_PRIORITIES, {
  description: 'ticket priority: low, normal, high or urgent',
});
export const ChannelSchema = OneOf(PATH_CHANNELS, { description: 'channel: email, web, chat, phone or api' });
export const TemperatureSchema = OneOf(CUSTOMER_TEMPERATURES, {
  description: 'customer temperature (温度感): calm, concerned, upset or angry',
});
export const AvailabilitySchema = OneOf(AVAILABILITIES, {
  description: 'available, busy, away or off (on leave)',
});
export const BriefFieldSchema = OneOf(BRIEF_FIELDS, { description: 'a field of the brief' });
export const ReturnReasonSchema = OneOf(RETURN_REASONS, {
  description: 'why the receiver hands it back: not_needed, wrong_target or missing_information',
});

export const TargetSchema = Type.Union(
  [
    Type.Object(
      { type: Type.Literal('team'), teamId: Ref },
      { additionalProperties: false, description: 'every available member of a team' },
    ),
    Type.Object(
      { type: Type.Literal('user'), userId: Ref },
      { additionalProperties: false, description: 'one person (or their delegate when absent)' },
    ),
    Type.Object(
      { type: Type.Literal('rotation'), rotationId: Ref },
      { additionalProperties: false, description: 'whoever is on call in a rotation' },
    ),
    Type.Object(
      {
        type: Type.Literal('role'),
        role: OneOf(TARGET_ROLES, { description: 'manager_of_current_team or supervisor_of_assignee' }),
      },
      { additionalProperties: false, description: 'a person relative to the ticket' },
    ),
  ],
  { description: 'whom a level reaches' },
);

export const LevelSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'e.g. "L2 billing specialists"' }),
    kind: OneOf(LEVEL_KINDS, { description: 'functional (to expertise) or hierarchical (to authority)' }),
    targets: List(TargetSchema, 50, 'one or more targets, all reached at once (fan-out)'),
    contact: Type.Object(
      {
        department: Nullable(Label(200, 'department')),
        person: Nullable(Label(200, 'contact person')),
        phone: Nullable(Label(50, 'phone number')),
        email: Nullable(Label(320, 'email address')),
      },
      { additionalProperties: false, description: 'contact details shown in the playbook' },
    ),
    ackTimeoutSeconds: Type.Integer({
      minimum: 1,
      maximum: 366 * 86400,
      description: 'time allowed to acknowledge, in seconds of the level calendar',
    }),
    calendarId: Nullable(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'business calendar for the timings; null = wall-clock time',
      }),
    ),
    onTimeout: Type.Object(
      {
        advance: Type.Boolean({ description: 'reach the next level once the reminders are exhausted' }),
        repeatReminders: Type.Integer({
          minimum: 0,
          maximum: 100,
          description: 'reminders sent after the acknowledgement timeout',
        }),
        reminderIntervalSeconds: Type.Integer({
          minimum: 0,
          maximum: 366 * 86400,
          description: 'seconds between reminders (and from the last reminder to advancing)',
        }),
        reminderBackoff: Type.Optional(
          Type.Number({ minimum: 1, maximum: 10, default: 1, description: 'each wait after a reminder is this many times the previous one (1 = evenly spaced, 2 = doubling)' }),
        ),
      },
      { additionalProperties: false, description: 'what happens when nobody acknowledges in time' },
    ),
    requiredBriefFields: List(
      BriefFieldSchema,
      BRIEF_FIELDS.length,
      'brief fields the escalating agent must fill for this level',
    ),
  },
  { additionalProperties: false, description: 'one step of an escalation path' },
);

const Keywords = List(
  Type.String({ minLength: 1, maxLength: 200 }),
  200,
  'strings of the subject or body (case-insensitive, Japanese-safe substring)',
);
export const PathConditionsSchema = Type.Object(
  {
    categories: List(Type.String({ minLength: 1, maxLength: 200 }), 200, 'ticket categories (any of)'),
    products: List(Type.String({ minLength: 1, maxLength: 200 }), 200, 'products (any of)'),
    tags: List(Type.String({ minLength: 1, maxLength: 100 }), 200, 'tags'),
    tagMode: OneOf(TAG_MODES, { description: 'any: one of the tags is enough; all: every tag is required' }),
    priorities: List(PrioritySchema, PATH_PRIORITIES.length, 'priorities (any of)'),
    channels: List(ChannelSchema, PATH_CHANNELS.length, 'channels (any of)'),
    customerTiers: List(Type.String({ minLength: 1, maxLength: 100 }), 50, 'customer tiers (any of)'),
    customerTemperatures: List(
      TemperatureSchema,
      CUSTOMER_TEMPERATURES.length,
      'customer temperatures (any of)',
    ),
    keywords: Keywords,
  },
  {
    additionalProperties: false,
    description: 'when the path applies: every non-empty list must match; no conditions = every ticket',
  },
);

export const PathDefinitionSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'path name shown in the playbook' }),
    purpose: Type.String({ maxLength: 2000, description: 'what the path is for' }),
    ownerId: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'user responsible for reviewing the path',
    }),
    reviewIntervalDays: Type.Integer({ minimum: 1, maximum: 3650, description: 'days between reviews' }),
    active: Type.Boolean({ description: 'inactive paths never match' }),
    conditions: PathConditionsSchema,
    levels: List(LevelSchema, 100, 'ordered levels (L1, L2, …)'),
    fallbackUserIds: List(Ref, 50, 'reached with an admin alert when every level is exhausted'),
    fallbackTeamId: Nullable(Ref),
    autoEscalate: Type.Optional(
      Type.Boolean({
        description: 'escalate automatically when a ticket is created or changed and matches (paths with conditions only)',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'an escalation path: conditions, ordered levels and a fallback',
  },
);

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

export const RotationSchema = Type.Object(
  {
    id: Ref,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    members: List(Ref, 200, 'members in on-call order'),
    shift: Type.Union(
      [
        Type.Object(
          { unit: Type.Literal('seconds'), seconds: Type.Integer({ minimum: 60 }) },
          { additionalProperties: false },
        ),
        Type.Object(
          { unit: Type.Literal('days'), days: Type.Integer({ minimum: 1, maximum: 366 }) },
          { additionalProperties: false },
        ),
      ],
      {
        description:
          'shift length: elapsed seconds, or calendar days (hand-off stays at the local time across DST)',
      },
    ),
    handoffTime: Type.String({
      pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
      description: 'local hand-off time HH:mm',
    }),
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Asia/Tokyo' }),
    startDate: Type.String({
      pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
      description: 'local date of the first hand-off',
    }),
    teamId: Nullable(Ref),
    overrides: List(
      Type.Object(
        {
          userId: Ref,
          startMs: Type.Integer({ description: 'epoch ms' }),
          endMs: Type.Integer({ description: 'epoch ms (exclusive)' }),
        },
        { additionalProperties: false },
      ),
      500,
      'temporary overrides; the last matching one wins',
    ),
  },
  { additionalProperties: false, description: 'an on-call rotation' },
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

export const MatchFactView = Type.Object(
  {
    code: OneOf(MATCH_FACT_CODES, { description: 'which condition of the path the ticket met' }),
    values: Type.Array(Type.String(), { description: 'what the ticket had (the category, the tags or keyword found…)' }),
  },
  { description: 'one reason a path matches, as a fact the reader puts into words' },
);

/** One step of "why these receivers" (resolve.policy TraceFact): a code and the names involved. */
export const TraceFactView = Type.Object(
  {
    code: Type.String({ description: 'reachable, unavailable, team_reachable, on_call, fallback, … (see TraceFact)' }),
  },
  { additionalProperties: true, description: 'a fact of the receiver trace, put into words by the reader (names as they were at the time)' },
);

// Compile-time: the schemas and the domain types describe the same data.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _schemasMatchTypes: [
  Same<Static<typeof TargetSchema>, Target>,
  Same<Static<typeof LevelSchema>, Level>,
  Same<Static<typeof PathDefinitionSchema>, PathDefinition>,
  Same<Static<typeof BriefSchema>, Brief>,
  Same<Static<typeof RotationSchema>, Rotation>,
] = [true, true, true, true, true];
