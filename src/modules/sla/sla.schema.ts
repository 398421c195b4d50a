import { Type, type Static } from '@sinclair/typebox';
import { Id, OneOf } from '../../http/schemas.js';
import { TierSchema } from '../customers/index.js';
import { ChannelSchema, PrioritySchema } from '../tickets/index.js';

/**
 * The wire shape of SLA policies (validation, handler types and the OpenAPI document).
 * Durations are whole seconds.
 */

export const CLOCK_KINDS = ['first_response', 'next_response', 'resolution'] as const;
export const ClockKindSchema = OneOf(CLOCK_KINDS, { description: 'first_response, next_response or resolution' });

const Label = Type.String({ minLength: 1, maxLength: 100 });
const AnyOf = <T extends Parameters<typeof Type.Array>[0]>(t: T, description: string) => Type.Optional(Type.Array(t, { maxItems: 50, description }));

export const SlaConditions = Type.Object(
  {
    priority: AnyOf(PrioritySchema, 'ticket priority is one of these'),
    category: AnyOf(Label, 'ticket category is one of these'),
    product: AnyOf(Label, 'ticket product is one of these'),
    channel: AnyOf(ChannelSchema, 'ticket channel is one of these'),
    teamId: AnyOf(Id, 'ticket team is one of these'),
    customerTier: AnyOf(TierSchema, "the requester's effective tier (the higher of the customer's and the organisation's) is one of these"),
    tags: AnyOf(Type.String({ minLength: 1, maxLength: 50 }), 'the ticket has at least one of these tags'),
  },
  { additionalProperties: false, description: 'Every condition given must hold (values within one condition are alternatives); no conditions = every ticket.' },
);
export type SlaConditions = Static<typeof SlaConditions>;

export const SlaTarget = Type.Object(
  {
    seconds: Type.Integer({ minimum: 1, maximum: 31_536_000, description: 'business seconds allowed' }),
    calendarId: Type.Union([Id, Type.Null()], { description: 'business calendar; null = 24/7' }),
  },
  { additionalProperties: false },
);
export type SlaTarget = Static<typeof SlaTarget>;

const PriorityTargets = Type.Object(
  { firstResponse: Type.Optional(SlaTarget), nextResponse: Type.Optional(SlaTarget), resolution: Type.Optional(SlaTarget) },
  { additionalProperties: false },
);
export const SlaTargets = Type.Object(
  { low: Type.Optional(PriorityTargets), normal: Type.Optional(PriorityTargets), high: Type.Optional(PriorityTargets), urgent: Type.Optional(PriorityTargets) },
  { additionalProperties: false, description: 'Targets per ticket priority; a clock without a target is not started.' },
);
export type SlaTargets = Static<typeof SlaTargets>;

export const SlaWarning = Type.Union(
  [
    Type.Object({ beforeSeconds: Type.Integer({ minimum: 1, description: 'warn this many business seconds before due' }) }, { additionalProperties: false }),
    Type.Object({ elapsedPercent: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 100, description: 'warn when this share of the target has elapsed' }) }, { additionalProperties: false }),
  ],
  { description: '{ "beforeSeconds": 3600 } or { "elapsedPercent": 75 }' },
);
export type SlaWarning = Static<typeof SlaWarning>;
const WarningList = Type.Optional(Type.Array(SlaWarning, { maxItems: 10 }));
export const SlaWarnings = Type.Object({ firstResponse: WarningList, nextResponse: WarningList, resolution: WarningList }, { additionalProperties: false });
export type SlaWarnings = Static<typeof SlaWarnings>;

const ClockKinds = Type.Optional(Type.Array(ClockKindSchema, { maxItems: 3, description: 'only for these clocks; absent = every clock' }));
export const RECIPIENTS = ['assignee', 'team', 'team_manager'] as const;
export const SET_FIELDS = ['category', 'product', 'temperature', 'teamId', 'assigneeId'] as const;
export const SlaAction = Type.Union(
  [
    Type.Object(
      {
        type: Type.Literal('notify'),
        recipients: Type.Array(OneOf(RECIPIENTS), { maxItems: 3, description: 'assignee, team (its members), team_manager' }),
        userIds: Type.Optional(Type.Array(Id, { maxItems: 50, description: 'named users' })),
        clockKinds: ClockKinds,
      },
      { additionalProperties: false, description: 'Queues a notification (delivered by the notifications module).' },
    ),
    Type.Object(
      { type: Type.Literal('raise_priority'), to: Type.Optional(PrioritySchema), clockKinds: ClockKinds },
      { additionalProperties: false, description: 'Raises the priority one step, or to `to`; never lowers it.' },
    ),
    Type.Object(
      { type: Type.Literal('set_field'), field: OneOf(SET_FIELDS), value: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]), clockKinds: ClockKinds },
      { additionalProperties: false },
    ),
    Type.Object({ type: Type.Literal('add_tag'), tag: Type.String({ minLength: 1, maxLength: 50 }), clockKinds: ClockKinds }, { additionalProperties: false }),
    Type.Object(
      { type: Type.Literal('escalate'), pathId: Type.Optional(Id), levelIndex: Type.Optional(Type.Integer({ minimum: 0 })), clockKinds: ClockKinds },
      { additionalProperties: false, description: 'Hands the ticket to the escalation engine (a path, optionally at a level).' },
    ),
  ],
  { description: 'notify, raise_priority, set_field, add_tag or escalate' },
);
export type SlaAction = Static<typeof SlaAction>;
export const SlaActions = Type.Object(
  { onWarning: Type.Optional(Type.Array(SlaAction, { maxItems: 20 })), onBreach: Type.Optional(Type.Array(SlaAction, { maxItems: 20 })) },
  { additionalProperties: false },
);
export type SlaActions = Static<typeof SlaActions>;

export const PAUSABLE_STATUSES = ['new', 'open', 'pending', 'on_hold'] as const;

const policyFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  position: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'policies are tried in ascending position; the first active match applies' }),
  active: Type.Boolean(),
  conditions: SlaConditions,
  targets: SlaTargets,
  pauseStatuses: Type.Array(OneOf(PAUSABLE_STATUSES), {
    maxItems: 4,
    description: 'statuses that pause the resolution and next-response clocks (default pending, on_hold); first response is never paused',
  }),
  warnings: SlaWarnings,
  actions: SlaActions,
};

export const CreateSlaPolicy = Type.Object(
  {
    name: policyFields.name,
    position: Type.Optional(policyFields.position),
    active: Type.Optional(policyFields.active),
    conditions: Type.Optional(policyFields.conditions),
    targets: policyFields.targets,
    pauseStatuses: Type.Optional(policyFields.pauseStatuses),
    warnings: Type.Optional(policyFields.warnings),
    actions: Type.Optional(policyFields.actions),
  },
  { additionalProperties: false },
);
export type CreateSlaPolicy = Static<typeof CreateSlaPolicy>;

export const UpdateSlaPolicy = Type.Partial(Type.Object(policyFields), { additionalProperties: false, minProperties: 1 });
export type UpdateSlaPolicy = Static<typeof UpdateSlaPolicy>;

export const SlaPolicyView = Type.Object({
  id: Type.String(),
  ...policyFields,
  version: Type.Integer({ description: 'increases on every change; tickets record the version applied' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type SlaPolicyView = Static<typeof SlaPolicyView>;

