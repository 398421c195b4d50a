/** Major incidents and the public status page (issue 17): what other modules and the composition root may import. */
export { IncidentsService, type IncidentsDeps, FANOUT_JOB, CADENCE_JOB, TASK_DUE_JOB, STATUS_MAIL_JOB, RESOLVE_TARGET_JOB } from './incidents.service.js';
export { StatusPageService, type StatusPageDeps } from './status-page.service.js';
export { registerIncidentJobs } from './incidents.jobs.js';
export { incidentsRoutes } from './incidents.routes.js';
export { statusPageRoutes } from './status-page.routes.js';
export { IncidentView } from './incidents.presenter.js';
export { cadenceKept, firstUpdate, resolvedWithinTarget, timeToResolve, type ReportIncident, type UpdateTrack } from './incidents-report.policy.js';
export { SEVERITIES } from './incidents.types.js';
