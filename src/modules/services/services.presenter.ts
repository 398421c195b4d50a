import { Type, type Static } from '@sinclair/typebox';
import type { ServicesTable } from '../../db/incidents-schema.js';
import { Nullable, OneOf } from '../../http/schemas.js';
import { SERVICE_STATUSES, type ServiceStatus } from './services.types.js';

export const ServiceStatusSchema = OneOf(SERVICE_STATUSES, { description: 'operational, degraded, partial_outage, major_outage or maintenance' });

export const ServiceView = Type.Object({
  id: Type.String(),
  name: Type.Object({ ja: Type.String(), en: Type.String() }),
  description: Type.Object({ ja: Type.String(), en: Type.String() }),
  ownerTeamId: Nullable(Type.String()),
  status: ServiceStatusSchema,
  position: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type ServiceView = Static<typeof ServiceView>;

export const presentService = (s: ServicesTable): ServiceView => ({
  id: s.id,
  name: { ja: s.name_ja, en: s.name_en },
  description: { ja: s.description_ja, en: s.description_en },
  ownerTeamId: s.owner_team_id,
  status: s.status as ServiceStatus,
  position: Number(s.position),
  createdAt: new Date(Number(s.created_at)).toISOString(),
  updatedAt: new Date(Number(s.updated_at)).toISOString(),
});
