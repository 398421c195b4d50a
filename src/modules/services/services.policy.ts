import type { ServiceStatus } from './services.types.js';

/** How bad a status is: the status page shows the worst, an incident never improves a service. */
const RANK: Record<ServiceStatus, number> = { operational: 0, maintenance: 1, degraded: 2, partial_outage: 3, major_outage: 4 };

export const worseStatus = (a: ServiceStatus, b: ServiceStatus): ServiceStatus => (RANK[b] > RANK[a] ? b : a);

/** The page's headline: operational when every service is, else the worst one. */
export const overallStatus = (statuses: ServiceStatus[]): ServiceStatus => statuses.reduce<ServiceStatus>(worseStatus, 'operational');
