/** Domain types of the services catalogue (issue 17). */
export const SERVICE_STATUSES = ['operational', 'degraded', 'partial_outage', 'major_outage', 'maintenance'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export interface ServiceInput {
  nameJa?: string;
  nameEn?: string;
  descriptionJa?: string;
  descriptionEn?: string;
  ownerTeamId?: string | null;
  status?: ServiceStatus;
  position?: number;
}
