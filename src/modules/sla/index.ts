/** Public API of the SLA module. */
export { SlaPoliciesService, DEFAULT_PAUSE_STATUSES } from './sla-policies.service.js';
export { SlaClocksService } from './sla-clocks.service.js';
export { slaRoutes } from './sla.routes.js';
export { registerNotifyPlaceholder } from './notify-placeholder.js';
export type { ClockKind, ClockState, SlaEscalationTrigger, SlaEvent } from './sla.types.js';
