import { Type } from '@sinclair/typebox';
import { Nullable, OneOf, Timestamp } from '../../http/schemas.js';
import { EscalationOriginView } from '../paths/index.js';
import { SEARCH_TYPES } from './search.types.js';

/** Text with the character ranges ([start, end) in UTF-16 units) that matched; no markup. */
export const MarkedText = Type.Object({
  text: Type.String(),
  ranges: Type.Array(Type.Tuple([Type.Integer(), Type.Integer()])),
});

export const SearchHitView = Type.Object(
  {
    type: OneOf(SEARCH_TYPES),
    kind: Type.String({ description: 'ticket, message, note, call, escalation, hand, incident, incident_update, customer, organization, article' }),
    id: Type.String({ description: 'id of the thing found (a ticket, a timeline event, an escalation, a customer, an article…)' }),
    ticketId: Nullable(Type.String()),
    ticketNumber: Nullable(Type.Integer()),
    ticketStatus: Nullable(Type.String()),
    customerId: Nullable(Type.String()),
    title: MarkedText,
    origin: Type.Optional(EscalationOriginView),
    snippet: MarkedText,
    at: Timestamp,
    score: Type.Number(),
  },
  { $id: 'SearchHit' },
);

export const SearchResultView = Type.Object({
  items: Type.Array(SearchHitView),
  nextCursor: Nullable(Type.String()),
  mode: OneOf(['index', 'scan'] as const, { description: "index: ranked full-text matches; scan: a one-character query looked through the newest documents" }),
});
