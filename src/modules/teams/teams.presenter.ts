import { Type, type Static } from '@sinclair/typebox';
import type { TeamRow } from '../../db/schema.js';
import { OneOf } from '../../http/schemas.js';

export const TEAM_ROLES = ['member', 'supervisor', 'manager'] as const;
export const TeamRoleSchema = OneOf(TEAM_ROLES, { description: 'member, supervisor or manager' });

export const TeamMemberView = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  role: TeamRoleSchema,
  availability: Type.String(),
});

export const TeamView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  contactEmail: Type.Union([Type.String(), Type.Null()]),
  contactPhone: Type.Union([Type.String(), Type.Null()]),
  restricted: Type.Boolean({ description: "only the team's members, receivers of its tickets' escalations and administrators see its tickets" }),
  members: Type.Array(TeamMemberView),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type TeamView = Static<typeof TeamView>;

export interface MemberRow {
  team_id: string;
  user_id: string;
  role: string;
  name: string;
  availability: string;
}

export const presentTeam = (t: TeamRow, members: MemberRow[]): TeamView => ({
  id: t.id,
  name: t.name,
  description: t.description,
  contactEmail: t.contact_email,
  contactPhone: t.contact_phone,
  restricted: t.restricted === 1,
  members: members
    .filter((m) => m.team_id === t.id)
    .map((m) => ({ userId: m.user_id, name: m.name, role: m.role as (typeof TEAM_ROLES)[number], availability: m.availability })),
  createdAt: new Date(t.created_at).toISOString(),
  updatedAt: new Date(t.updated_at).toISOString(),
});
