/** The shapes of rotations and "who is on call" that leave the server. */
import { Type, type Static } from '@sinclair/typebox';
import type { RotationsTable } from '../../db/schema.js';
import { iso } from '../../http/schemas.js';
import { RotationSchema } from './oncall.schema.js';
import { rotationOf } from './oncall.repository.js';

const NullableString = Type.Union([Type.String(), Type.Null()]);

const { id: _rotationId, ...rotationFields } = RotationSchema.properties;
const OverrideView = Type.Object({ userId: Type.String(), start: Type.String(), end: Type.String() });
export const RotationView = Type.Object({
  id: Type.String(),
  ...rotationFields,
  overrides: Type.Array(OverrideView),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type RotationView = Static<typeof RotationView>;

export const presentRotation = (row: RotationsTable): RotationView => {
  const r = rotationOf(row);
  return {
    ...r,
    overrides: r.overrides.map((o) => ({ userId: o.userId, start: iso(o.startMs) as string, end: iso(o.endMs) as string })),
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
  };
};

export const OnCallView = Type.Object({
  rotationId: Type.String(),
  at: Type.String(),
  userId: NullableString,
  userName: NullableString,
  nextHandoffs: Type.Array(
    Type.Object({ at: Type.String(), fromUserId: NullableString, toUserId: NullableString, cause: Type.String() }),
  ),
});

