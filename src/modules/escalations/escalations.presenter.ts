/** The shape of an escalation that leaves the server: the brief first, then who has it and by when. */
import { Type, type Static } from '@sinclair/typebox';
import { parseJson } from '../../db/database.js';
import type { EscalationsTable } from '../../db/schema.js';
import { iso } from '../../http/schemas.js';
import { initialState } from './engine.policy.js';
import { EscalationOriginView, TargetSchema } from '../paths/index.js';
import { TraceFactView } from '../oncall/index.js';
import { BriefSchema } from './escalation.schema.js';
import type { Brief, EscalationSnapshot, EscalationState, GeneratedBackground, StoredBrief } from './escalation.types.js';

const NullableString = Type.Union([Type.String(), Type.Null()]);
const Person = Type.Object({ id: Type.String(), name: Type.String() });

export const EscalationView = Type.Object({
  brief: BriefSchema,
  generatedBackground: Type.Union([Type.Object({ ja: Type.String(), en: Type.String() }), Type.Null()], {
    description: 'the background the server wrote from the timeline, in both languages (null when someone wrote it): show the reader\'s',
  }),
  id: Type.String(),
  ticketId: Type.String(),
  ticketNumber: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.String({ description: 'requested, acknowledged, resolved, returned or cancelled' }),
  stage: Type.String({ description: 'level, or fallback once every level is exhausted' }),
  trigger: Type.String({ description: 'manual, auto (path conditions), sla or pingpong' }),
  kind: Type.String({ description: 'functional or hierarchical' }),
  path: Type.Union([Type.Object({ id: Type.String(), version: Type.Integer(), name: Type.String() }), Type.Null()]),
  origin: EscalationOriginView,
  levelIndex: Type.Integer(),
  level: Type.Union([
    Type.Object({
      name: Type.String(),
      kind: Type.String(),
      contact: Type.Object({ department: NullableString, person: NullableString, phone: NullableString, email: NullableString }),
      ackTimeoutSeconds: Type.Integer(),
    }),
    Type.Null(),
  ]),
  receivers: Type.Array(
    Type.Object({
      key: Type.String(),
      target: Type.Union([TargetSchema, Type.Null()]),
      phase: Type.String({ description: 'waiting, reminding, acknowledged, expired or unreachable' }),
      people: Type.Array(Person),
      remindersSent: Type.Integer(),
      acknowledgedBy: Type.Union([Person, Type.Null()]),
      acknowledgedAt: NullableString,
      trace: Type.Array(Type.String()),
      traceFacts: Type.Optional(Type.Array(TraceFactView)),
    }),
  ),
  ackDueAt: NullableString,
  overdue: Type.Boolean({ description: 'requested and past its acknowledgement deadline' }),
  stalled: Type.Boolean(),
  requestedBy: Type.Union([Person, Type.Null()]),
  requestedAt: Type.String(),
  acknowledgedAt: NullableString,
  finishedAt: NullableString,
  returned: Type.Union([Type.Object({ by: Person, reason: Type.String(), text: Type.String() }), Type.Null()]),
  resolution: Type.Union([Type.Object({ by: Person, answer: Type.Union([Type.String(), Type.Null()]) }), Type.Null()], {
    description: 'who resolved it and the answer they gave (null until resolved)',
  }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type EscalationView = Static<typeof EscalationView>;

/** A resolved escalation whose answer the person who raised it still has to pass on. */
export const AwaitingReplyItem = Type.Object({
  escalationId: Type.String(),
  ticket: Type.Object({ id: Type.String(), number: Type.Integer(), subject: Type.String() }),
  answer: Type.Union([Type.String(), Type.Null()]),
  resolvedAt: Type.String(),
  resolvedBy: Type.Union([Person, Type.Null()]),
});
export type AwaitingReplyItem = Static<typeof AwaitingReplyItem>;

const briefOf = (stored: string): { brief: Brief; generatedBackground: GeneratedBackground | null } => {
  const { backgroundByLang, ...brief } = parseJson<StoredBrief>(stored, {} as StoredBrief);
  return { brief, generatedBackground: backgroundByLang ?? null };
};

export const presentEscalation = (r: EscalationsTable, names: Map<string, string>, numbers: Map<string, number>, now: number): EscalationView => {
  const state = parseJson<EscalationState>(r.state, initialState());
  const snapshot = parseJson<EscalationSnapshot>(r.snapshot, { pathId: '', pathVersion: 0, pathName: '', levels: [], fallbackUserIds: [], fallbackTeamId: null });
  const person = (id: string) => ({ id, name: names.get(id) ?? id });
  const level = snapshot.levels[state.levelIndex];
  return {
    ...briefOf(r.brief),
    id: r.id,
    ticketId: r.ticket_id,
    ticketNumber: numbers.get(r.ticket_id) ?? null,
    status: r.status,
    stage: r.stage,
    trigger: r.trigger,
    kind: r.kind,
    path: r.path_id ? { id: r.path_id, version: Number(r.path_version), name: snapshot.pathName } : null,
    origin: snapshot.origin ?? null,
    levelIndex: r.level_index,
    level: level ? { name: level.name, kind: level.kind, contact: level.contact, ackTimeoutSeconds: level.ackTimeoutSeconds } : null,
    receivers: state.targets.map((t) => ({
      key: t.key,
      target: t.target,
      phase: t.phase,
      people: t.receivers.map(person),
      remindersSent: t.remindersSent,
      acknowledgedBy: t.acknowledgedBy ? person(t.acknowledgedBy) : null,
      acknowledgedAt: iso(t.acknowledgedMs),
      trace: t.trace,
      ...(t.traceFacts && { traceFacts: t.traceFacts }),
    })),
    ackDueAt: iso(r.ack_due_at),
    overdue: r.status === 'requested' && r.ack_due_at !== null && Number(r.ack_due_at) < now,
    stalled: state.stalled,
    requestedBy: r.requested_by ? person(r.requested_by) : null,
    requestedAt: iso(r.requested_at) as string,
    acknowledgedAt: iso(r.acknowledged_at),
    finishedAt: iso(r.finished_at),
    returned: state.returned ? { by: person(state.returned.userId), reason: state.returned.reason, text: state.returned.text } : null,
    resolution: state.resolved ? { by: person(state.resolved.userId), answer: state.resolved.answer } : null,
    createdAt: iso(r.created_at) as string,
    updatedAt: iso(r.updated_at) as string,
  };
};

export const ESCALATION_MESSAGE_KINDS = ['info', 'question'] as const;
export type EscalationMessageKind = (typeof ESCALATION_MESSAGE_KINDS)[number];

/** One message of the conversation on an escalation. */
export const EscalationMessageView = Type.Object({
  id: Type.String(),
  kind: Type.Union(ESCALATION_MESSAGE_KINDS.map((k) => Type.Literal(k)), { description: 'info: the person who escalated adds information; question: a receiver asks' }),
  body: Type.String(),
  author: Type.Union([Person, Type.Null()]),
  createdAt: Type.String(),
});
export type EscalationMessageView = Static<typeof EscalationMessageView>;
