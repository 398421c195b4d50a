import { Type, type Static } from '@sinclair/typebox';
import type { Selectable } from 'kysely';
import { Nullable, OneOf, Timestamp, iso } from '../../http/schemas.js';
import type { ArticlesTable } from '../../db/schema.js';
import { EscalationOriginView } from '../paths/index.js';
import { MarkedText } from '../search/index.js';
import { reviewFlags } from './knowledge.policy.js';
import { ARTICLE_VISIBILITIES } from './knowledge.types.js';

export const ArticleView = Type.Object(
  {
    id: Type.String(),
    titleJa: Type.String(),
    bodyJa: Type.String(),
    titleEn: Type.String(),
    bodyEn: Type.String(),
    category: Nullable(Type.String()),
    product: Nullable(Type.String()),
    ownerId: Nullable(Type.String()),
    reviewAt: Nullable(Timestamp),
    visibility: OneOf(ARTICLE_VISIBILITIES),
    source: Nullable(Type.Object({ kind: Type.String(), id: Type.String() })),
    useCount: Type.Integer(),
    lastUsedAt: Nullable(Timestamp),
    reviewFlags: Type.Array(OneOf(['review_due', 'never_used', 'answer_returned'] as const), {
      description: 'review_due: the review date has come; never_used: and nobody has inserted it into a reply; answer_returned: a ticket it was inserted into was reopened, or its escalation returned, afterwards',
    }),
    createdBy: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    version: Type.Integer(),
    /** With a search: where it matched. */
    match: Type.Optional(Type.Object({ title: MarkedText, snippet: MarkedText })),
  },
  { $id: 'Article' },
);
export type ArticleView = Static<typeof ArticleView>;

export function presentArticle(r: Selectable<ArticlesTable>, now: number, answerReturned = false): ArticleView {
  return {
    id: r.id,
    titleJa: r.title_ja,
    bodyJa: r.body_ja,
    titleEn: r.title_en,
    bodyEn: r.body_en,
    category: r.category,
    product: r.product,
    ownerId: r.owner_id,
    reviewAt: iso(r.review_at === null ? null : Number(r.review_at)),
    visibility: r.visibility as ArticleView['visibility'],
    source: r.source_kind && r.source_id ? { kind: r.source_kind, id: r.source_id } : null,
    useCount: Number(r.use_count),
    lastUsedAt: iso(r.last_used_at === null ? null : Number(r.last_used_at)),
    reviewFlags: reviewFlags({ reviewAt: r.review_at === null ? null : Number(r.review_at), useCount: Number(r.use_count), answerReturned }, now),
    createdBy: r.created_by,
    createdAt: iso(Number(r.created_at))!,
    updatedAt: iso(Number(r.updated_at))!,
    version: Number(r.version),
  };
}

export const SimilarEscalationView = Type.Object(
  {
    escalationId: Type.String(),
    ticketId: Type.String(),
    ticketNumber: Type.Integer(),
    subject: Type.String(),
    ask: Type.String(),
    origin: EscalationOriginView,
    category: Type.String(),
    answer: Nullable(Type.String()),
    answeredBy: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
    answeredAt: Nullable(Timestamp),
    score: Type.Number(),
    match: MarkedText,
  },
  { $id: 'SimilarEscalation' },
);
export type SimilarEscalationView = Static<typeof SimilarEscalationView>;

export const DeflectionView = Type.Object({ id: Type.String(), ticketId: Type.String(), sourceEscalationId: Nullable(Type.String()), eventId: Type.String(), createdAt: Timestamp });
export const DeflectionCountView = Type.Object({ from: Timestamp, to: Timestamp, count: Type.Integer(), byUser: Type.Array(Type.Object({ userId: Nullable(Type.String()), count: Type.Integer() })) });
