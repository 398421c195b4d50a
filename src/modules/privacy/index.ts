export { PrivacyService, FILES_DELETE_JOB, RETENTION_JOB, RETENTION_KEY } from './privacy.service.js';
export { registerPrivacyJobs } from './privacy.jobs.js';
export { privacyRoutes } from './privacy.routes.js';
export { CustomerExport, EraseOutcome } from './privacy.presenter.js';
export { ERASED_NAME, ERASED_TEXT } from './privacy.policy.js';
