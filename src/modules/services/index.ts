/** The services catalogue (issue 17): what other modules and the composition root may import. */
export { ServicesService } from './services.service.js';
export { servicesRoutes } from './services.routes.js';
export { ServiceView, ServiceStatusSchema, presentService } from './services.presenter.js';
export { SERVICE_STATUSES, type ServiceStatus, type ServiceInput } from './services.types.js';
export { overallStatus, worseStatus } from './services.policy.js';
