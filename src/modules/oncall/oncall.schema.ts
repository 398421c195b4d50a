/** TypeBox schemas of on-call: rotations, availability and the resolver's trace facts. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { OneOf, Nullable } from '../../http/schemas.js';
import { AVAILABILITIES, type Rotation } from './oncall.types.js';

const Ref = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'identifier of a user, team, rotation or calendar',
});
const List = <T extends TSchema>(item: T, maxItems: number, description: string) =>
  Type.Array(item, { maxItems, description });

export const AvailabilitySchema = OneOf(AVAILABILITIES, {
  description: 'available, busy, away or off (on leave)',
});

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
/** One step of "why these receivers" (resolve.policy TraceFact): a code and the names involved. */
export const TraceFactView = Type.Object(
  {
    code: Type.String({ description: 'reachable, unavailable, team_reachable, on_call, fallback, … (see TraceFact)' }),
  },
  { additionalProperties: true, description: 'a fact of the receiver trace, put into words by the reader (names as they were at the time)' },
);

// Compile-time: the schema and the domain type describe the same data.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _schemasMatchTypes: [Same<Static<typeof RotationSchema>, Rotation>] = [true];
