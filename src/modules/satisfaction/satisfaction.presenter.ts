import { Type, type Static } from '@sinclair/typebox';
import { Nullable, OneOf, iso } from '../../http/schemas.js';
import type { SurveyRow } from './satisfaction.repository.js';
import { BAD_REASONS, SKIP_REASONS, SURVEY_STATES } from './satisfaction.types.js';

export const SurveyView = Type.Object({
  id: Type.String(),
  ticketId: Type.String(),
  ticketNumber: Type.Integer(),
  customerId: Nullable(Type.String()),
  language: OneOf(['ja', 'en'] as const),
  state: OneOf(SURVEY_STATES),
  skipReason: Nullable(OneOf(SKIP_REASONS)),
  agentId: Nullable(Type.String()),
  teamId: Nullable(Type.String()),
  pathId: Nullable(Type.String()),
  escalated: Type.Boolean(),
  solvedAt: Type.String(),
  dueAt: Type.String(),
  sentAt: Nullable(Type.String()),
  expiresAt: Nullable(Type.String()),
  rating: Nullable(OneOf(['good', 'bad'] as const)),
  score: Nullable(Type.Integer({ minimum: 1, maximum: 5 })),
  reason: Nullable(OneOf(BAD_REASONS)),
  comment: Nullable(Type.String({ description: "the customer's words: show as text, never as HTML" })),
  ratedAt: Nullable(Type.String()),
  followUp: Nullable(Type.Record(Type.String(), Type.Unknown(), { description: 'what the bad rating opened: { kind: note } or { kind: escalation, escalationId }' })),
});
export type SurveyView = Static<typeof SurveyView>;

export const SettingsView = Type.Object({
  enabled: Type.Boolean(),
  delayHours: Type.Number({ minimum: 0, maximum: 24 * 30 }),
  fatigueDays: Type.Integer({ minimum: 0, maximum: 365 }),
  linkDays: Type.Integer({ minimum: 1, maximum: 90 }),
  followUp: Type.Union([Type.Object({ kind: Type.Literal('note') }, { additionalProperties: false }), Type.Object({ kind: Type.Literal('escalation'), pathId: Type.String({ format: 'uuid' }) }, { additionalProperties: false })]),
});

export const presentSurvey = (s: SurveyRow, ticketNumber: number): SurveyView => ({
  id: s.id,
  ticketId: s.ticket_id,
  ticketNumber,
  customerId: s.customer_id,
  language: s.language === 'en' ? 'en' : 'ja',
  state: s.state as SurveyView['state'],
  skipReason: (s.skip_reason as SurveyView['skipReason']) ?? null,
  agentId: s.agent_id,
  teamId: s.team_id,
  pathId: s.path_id,
  escalated: s.escalated === 1,
  solvedAt: iso(s.solved_at)!,
  dueAt: iso(s.due_at)!,
  sentAt: iso(s.sent_at),
  expiresAt: iso(s.expires_at),
  rating: (s.rating as SurveyView['rating']) ?? null,
  score: s.score,
  reason: (s.reason as SurveyView['reason']) ?? null,
  comment: s.comment,
  ratedAt: iso(s.rated_at),
  followUp: s.follow_up ? (JSON.parse(s.follow_up) as Record<string, unknown>) : null,
});
