/**
 * TypeBox schemas of path definitions: levels, targets and conditions. The routes validate
 * with them and OpenAPI documents them; the compile-time checks at the bottom keep them
 * equal to the domain types.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { OneOf, Nullable } from '../../http/schemas.js';
import {
  BRIEF_FIELDS,
  CUSTOMER_TEMPERATURES,
  LEVEL_KINDS,
  MATCH_FACT_CODES,
  PATH_CHANNELS,
  PATH_PRIORITIES,
  TAG_MODES,
  TARGET_ROLES,
  type Level,
  type PathDefinition,
  type Target,
} from './path.types.js';

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
export const BriefFieldSchema = OneOf(BRIEF_FIELDS, { description: 'a field of the brief' });

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
export const MatchFactView = Type.Object(
  {
    code: OneOf(MATCH_FACT_CODES, { description: 'which condition of the path the ticket met' }),
    values: Type.Array(Type.String(), { description: 'what the ticket had (the category, the tags or keyword found…)' }),
  },
  { description: 'one reason a path matches, as a fact the reader puts into words' },
);

/**
 * Why the system started an escalation (or that it was direct), as facts the reader's console
 * puts into words in the reader's language: escalations, search hits and similar escalations.
 */
export const EscalationOriginView = Type.Union([
  Type.Object(
    {
      code: Type.String({ description: 'direct, auto, sla, pingpong or incident' }),
      to: Type.Optional(Type.String()),
      path: Type.Optional(Type.String()),
      facts: Type.Optional(Type.Array(MatchFactView)),
      clockKind: Type.Optional(Type.String()),
      event: Type.Optional(Type.String()),
      team: Type.Optional(Type.String()),
      transfers: Type.Optional(Type.Integer()),
      limit: Type.Optional(Type.Integer()),
      incident: Type.Optional(Type.String({ description: 'incident: the title of the major incident' })),
      severity: Type.Optional(Type.String()),
    },
    { description: "why the system started it (or that it was direct), as facts to put into words in the reader's language" },
  ),
  Type.Null(),
]);

// Compile-time: the schemas and the domain types describe the same data.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _schemasMatchTypes: [
  Same<Static<typeof TargetSchema>, Target>,
  Same<Static<typeof LevelSchema>, Level>,
  Same<Static<typeof PathDefinitionSchema>, PathDefinition>,
] = [true, true, true];
