import { Type, type Static } from '@sinclair/typebox';
import type { UserRow } from '../../db/schema.js';
import { OneOf } from '../../http/schemas.js';
import { ROLES, LOCALES } from '../auth/auth.types.js';
import { AVAILABILITY } from './users.types.js';

export const RoleSchema = OneOf(ROLES, { description: 'agent, specialist, supervisor, manager or admin' });
export const LocaleSchema = OneOf(LOCALES, { description: 'ja or en' });
export const AvailabilitySchema = OneOf(AVAILABILITY, { description: 'available, busy, away or off' });

export const OutOfOfficeView = Type.Object({
  start: Type.String({ format: 'date-time' }),
  end: Type.String({ format: 'date-time' }),
  delegateUserId: Type.Union([Type.String(), Type.Null()]),
});

/** Stored form of an out-of-office window (epoch ms). */
export interface StoredOutOfOffice {
  startMs: number;
  endMs: number;
  delegateUserId: string | null;
}

export const parseOutOfOffice = (text: string | null | undefined): StoredOutOfOffice[] => {
  try {
    const v = JSON.parse(text ?? '[]') as unknown;
    return Array.isArray(v) ? (v as StoredOutOfOffice[]) : [];
  } catch {
    return [];
  }
};

export const UserView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  locale: LocaleSchema,
  timeZone: Type.String(),
  availability: AvailabilitySchema,
  outOfOffice: Type.Array(OutOfOfficeView, { description: 'out-of-office windows, each with an optional delegate' }),
  delegateUserId: Type.Union([Type.String(), Type.Null()], { description: 'standing delegate while away or off' }),
  active: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type UserView = Static<typeof UserView>;

export const presentUser = (r: UserRow): UserView => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role as UserView['role'],
  locale: r.locale as UserView['locale'],
  timeZone: r.time_zone,
  availability: r.availability as UserView['availability'],
  outOfOffice: parseOutOfOffice(r.out_of_office).map((w) => ({
    start: new Date(w.startMs).toISOString(),
    end: new Date(w.endMs).toISOString(),
    delegateUserId: w.delegateUserId,
  })),
  delegateUserId: r.delegate_user_id ?? null,
  active: r.active === 1,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});
