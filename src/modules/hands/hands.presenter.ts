/** The shapes of hands, their threads, the floor and the configuration that leave the server. */
import { Type, type Static } from '@sinclair/typebox';
import { parseJson } from '../../db/database.js';
import type { HandEventsTable, HandsTable } from '../../db/schema.js';
import { iso, Nullable, OneOf } from '../../http/schemas.js';
import { HandOutcomeSchema, HandsConfigSchema } from './hands.schema.js';
import { HAND_STATES, type HandTier } from './hands.types.js';

const Person = Type.Object({ id: Type.String(), name: Type.String() });
type Person = Static<typeof Person>;
const NullableString = Nullable(Type.String());

export const HandView = Type.Object({
  id: Type.String(),
  state: OneOf(HAND_STATES),
  operator: Person,
  team: Nullable(Person),
  ticketId: NullableString,
  ticketNumber: Nullable(Type.Integer()),
  customerId: NullableString,
  callId: NullableString,
  callerNumber: NullableString,
  category: Type.String(),
  ask: Type.String(),
  concern: Type.String(),
  tried: Type.String(),
  environment: Type.String(),
  background: Type.String(),
  temperature: NullableString,
  tierIndex: Type.Integer(),
  tierName: Type.String(),
  tierCount: Type.Integer(),
  alerted: Type.Array(Person, { description: 'everyone alerted so far (earlier tiers keep seeing it)' }),
  nextTierAt: Nullable(Type.String({ description: 'when the next tier is alerted too (open hands)' })),
  exhausted: Type.Boolean({ description: 'nobody claimed it after the last tier: highlighted on every panel, managers alerted' }),
  exhaustedAt: NullableString,
  claimedBy: Nullable(Person),
  claimedAt: NullableString,
  joinedCall: Nullable(Type.Object({ mode: Type.String(), at: Type.String() })),
  outcome: Nullable(HandOutcomeSchema),
  answer: NullableString,
  callbackDueAt: NullableString,
  escalationId: NullableString,
  closedBy: Nullable(Person),
  closedAt: NullableString,
  raisedAt: Type.String(),
  updatedAt: Type.String(),
  secondsToClaim: Nullable(Type.Integer()),
});
export type HandView = Static<typeof HandView>;

export const HandEventView = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'hand.raised, hand.alerted, hand.exhausted, hand.claimed, hand.message, hand.joined_call, hand.closed, hand.escalated, hand.cancelled' }),
  actor: Nullable(Person),
  body: NullableString,
  data: Type.Record(Type.String(), Type.Unknown()),
  at: Type.String(),
});
export type HandEventView = Static<typeof HandEventView>;

export const HandDetailView = Type.Object({ hand: HandView, events: Type.Array(HandEventView) });

export const HandsConfigView = HandsConfigSchema;

export const FloorView = Type.Object({
  supervisors: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      role: Type.String(),
      availability: Type.String(),
      availableForHands: Type.Boolean(),
      onCall: Type.Boolean(),
      activeHands: Type.Integer(),
    }),
  ),
  onCall: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: Type.String(), since: NullableString })),
});

const Spread = Type.Object({ p50: Nullable(Type.Number()), p90: Nullable(Type.Number()), max: Nullable(Type.Number()) }, { description: 'seconds' });
const ReportGroup = Type.Object({ key: Type.String(), hands: Type.Integer(), claimed: Type.Integer(), claimedWithinTarget: Type.Integer(), secondsToClaim: Spread, secondsToAnswer: Spread });
export const HandsReportView = Type.Object({
  from: Type.String(),
  to: Type.String(),
  claimTargetSeconds: Type.Integer(),
  hands: Type.Integer(),
  claimed: Type.Integer(),
  claimedWithinTarget: Type.Integer(),
  shareWithinTarget: Nullable(Type.Number()),
  exhausted: Type.Integer(),
  escalated: Type.Integer(),
  outcomes: Type.Record(Type.String(), Type.Integer()),
  secondsToClaim: Spread,
  secondsToAnswer: Spread,
  holdSeconds: Spread,
  byTeam: Type.Array(ReportGroup),
  bySupervisor: Type.Array(ReportGroup),
  byCategory: Type.Array(ReportGroup),
  byHour: Type.Array(ReportGroup, { description: "hour of day (00–23) in the reader's time zone" }),
  perOperator: Type.Array(Type.Object({ key: Type.String(), hands: Type.Integer(), activeHours: Type.Integer({ description: 'Clock hours (in the reader\'s time zone) in which the operator raised at least one hand' }), perHour: Type.Number({ description: 'Hands per active hour' }) })),
  names: Type.Record(Type.String(), Type.String(), { description: 'names of the teams and people the keys name' }),
});

export const CallView = Type.Object({
  userId: Type.String(),
  onCall: Type.Boolean(),
  callId: NullableString,
  callerNumber: NullableString,
  since: NullableString,
  customerId: NullableString,
  availableForHands: Type.Boolean(),
});
export type CallView = Static<typeof CallView>;

/** Names the presenter needs, loaded once per list. */
export interface HandNames {
  users: Map<string, string>;
  teams: Map<string, string>;
  ticketNumbers: Map<string, number>;
}

const person = (id: string | null, names: HandNames): Person | null => (id ? { id, name: names.users.get(id) ?? id } : null);

export function presentHand(row: HandsTable, names: HandNames): HandView {
  const tiers = parseJson<HandTier[]>(row.tiers, []);
  const alerted = parseJson<string[]>(row.alerted, []);
  return {
    id: row.id,
    state: row.state as HandView['state'],
    operator: person(row.operator_id, names)!,
    team: row.team_id ? { id: row.team_id, name: names.teams.get(row.team_id) ?? row.team_id } : null,
    ticketId: row.ticket_id,
    ticketNumber: row.ticket_id ? (names.ticketNumbers.get(row.ticket_id) ?? null) : null,
    customerId: row.customer_id,
    callId: row.call_id,
    callerNumber: row.caller_number,
    category: row.category,
    ask: row.ask,
    concern: row.concern,
    tried: row.tried,
    environment: row.environment,
    background: row.background,
    temperature: row.temperature,
    tierIndex: row.tier_index,
    tierName: tiers[row.tier_index]?.name ?? '',
    tierCount: tiers.length,
    alerted: alerted.map((id) => person(id, names)!),
    nextTierAt: row.state === 'open' ? iso(row.next_tier_at) : null,
    exhausted: row.exhausted_at !== null,
    exhaustedAt: iso(row.exhausted_at),
    claimedBy: person(row.claimed_by, names),
    claimedAt: iso(row.claimed_at),
    joinedCall: row.joined_call_mode && row.joined_call_at ? { mode: row.joined_call_mode, at: iso(row.joined_call_at)! } : null,
    outcome: row.outcome as HandView['outcome'],
    answer: row.answer,
    callbackDueAt: iso(row.callback_due_at),
    escalationId: row.escalation_id,
    closedBy: person(row.closed_by, names),
    closedAt: iso(row.closed_at),
    raisedAt: iso(row.raised_at)!,
    updatedAt: iso(row.updated_at)!,
    secondsToClaim: row.claimed_at !== null ? Math.round((Number(row.claimed_at) - Number(row.raised_at)) / 1000) : null,
  };
}

export const presentHandEvent = (row: HandEventsTable, names: HandNames): HandEventView => ({
  id: row.id,
  kind: row.kind,
  actor: person(row.actor_id, names),
  body: row.body,
  data: parseJson<Record<string, unknown>>(row.data, {}),
  at: iso(row.created_at)!,
});
