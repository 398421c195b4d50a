/** The shapes of paths, versions and simulations that leave the server. */
import { Type, type Static } from '@sinclair/typebox';
import type { EscalationPathsTable, EscalationPathVersionsTable } from '../../db/schema.js';
import { parseJson } from '../../db/database.js';
import { iso, OneOf } from '../../http/schemas.js';
import { TraceFactView } from '../oncall/index.js';
import { PathDefinitionSchema, MatchFactView } from './path.schema.js';
import type { Path, PathDefinition } from './path.types.js';

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const PathView = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  ...PathDefinitionSchema.properties,
  autoEscalate: Type.Boolean(),
  lastReviewedAt: NullableString,
  lastReviewedBy: NullableString,
  reviewDueAt: Type.String(),
  reviewDue: Type.Boolean({ description: 'the periodic review is due' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type PathView = Static<typeof PathView>;

export const definitionOf = (row: Pick<EscalationPathsTable, 'definition'>): PathDefinition => {
  const d = parseJson<PathDefinition>(row.definition, {} as PathDefinition);
  return { ...d, autoEscalate: d.autoEscalate ?? false };
};

export const pathOf = (row: EscalationPathsTable): Path => ({ ...definitionOf(row), id: row.id, version: row.version });

export const presentPath = (row: EscalationPathsTable, now: number): PathView => ({
  ...definitionOf(row),
  autoEscalate: row.auto_escalate === 1,
  id: row.id,
  version: row.version,
  lastReviewedAt: iso(row.last_reviewed_at),
  lastReviewedBy: row.last_reviewed_by,
  reviewDueAt: iso(row.review_due_at) as string,
  reviewDue: Number(row.review_due_at) <= now,
  createdAt: iso(row.created_at) as string,
  updatedAt: iso(row.updated_at) as string,
});

export const PathVersionView = Type.Object({
  pathId: Type.String(),
  version: Type.Integer(),
  authorId: NullableString,
  authorName: NullableString,
  reason: Type.String(),
  createdAt: Type.String(),
  definition: PathDefinitionSchema,
});
export type PathVersionView = Static<typeof PathVersionView>;

export const presentPathVersion = (row: EscalationPathVersionsTable, names: Map<string, string>): PathVersionView => ({
  pathId: row.path_id,
  version: row.version,
  authorId: row.author_id,
  authorName: row.author_id ? (names.get(row.author_id) ?? null) : null,
  reason: row.reason,
  createdAt: iso(row.created_at) as string,
  definition: parseJson<PathDefinition>(row.definition, {} as PathDefinition),
});

export const PathDiffView = Type.Object({
  pathId: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  changes: Type.Array(
    Type.Object({
      path: Type.String({ description: 'e.g. levels[1].ackTimeoutSeconds, or levels[2] for a whole level' }),
      change: OneOf(['added', 'removed', 'changed'] as const, { description: 'added: only in `to` (no before); removed: only in `from` (no after)' }),
      before: Type.Optional(Type.Unknown()),
      after: Type.Optional(Type.Unknown()),
    }),
  ),
});

const Person = Type.Object({ id: Type.String(), name: Type.String() });
export const PredictedLevel = Type.Object({
  levelIndex: Type.Integer(),
  name: Type.String(),
  skipped: Type.Boolean(),
  reachedAt: NullableString,
  ackDueAt: NullableString,
  targets: Type.Array(Type.Object({ key: Type.String(), receivers: Type.Array(Person), trace: Type.Array(Type.String()), traceFacts: Type.Optional(Type.Array(TraceFactView)) })),
  reminders: Type.Array(Type.Object({ at: Type.String(), targetKey: Type.String(), receivers: Type.Array(Person) })),
  leftAt: NullableString,
});

const Prediction = Type.Object({
  levels: Type.Array(PredictedLevel),
  fallback: Type.Union([Type.Object({ at: Type.String(), receivers: Type.Array(Person), trace: Type.Array(Type.String()), traceFacts: Type.Optional(Type.Array(TraceFactView)), adminAlert: Type.Boolean() }), Type.Null()]),
  stalled: Type.Boolean(),
  truncated: Type.Boolean(),
});

export const SimulationView = Type.Object({
  arrivalAt: Type.String(),
  matches: Type.Array(
    Type.Object({ pathId: Type.String(), pathName: Type.String(), version: Type.Integer(), score: Type.Integer(), reasons: Type.Array(Type.String()), facts: Type.Array(MatchFactView) }),
  ),
  pathId: NullableString,
  prediction: Type.Union([Prediction, Type.Null()]),
  sla: Type.Optional(
    Type.Union([
      Type.Object({
        policyId: Type.String(),
        policyName: Type.String(),
        clocks: Type.Array(Type.Object({ kind: Type.String(), dueAt: Type.String(), warningsAt: Type.Array(Type.String()) }), { description: 'next response starts with the first customer follow-up, so it is not predicted' }),
        escalations: Type.Array(
          Type.Object({ clockKind: Type.String(), event: OneOf(['warning', 'breach'] as const), at: Type.String(), pathId: Type.String(), pathName: Type.String(), levelIndex: Type.Integer(), prediction: Prediction }),
          { description: 'escalations the SLA policy would start if nobody responds' },
        ),
      }),
      Type.Null(),
    ]),
  ),
});
export type SimulationView = Static<typeof SimulationView>;
