/** CSAT after resolution (issue 18): what other modules and the composition root may import. */
export { SatisfactionService, type SatisfactionDeps } from './satisfaction.service.js';
export { registerSatisfactionJobs } from './satisfaction.jobs.js';
export { satisfactionRoutes } from './satisfaction.routes.js';
export { SurveyView } from './satisfaction.presenter.js';
export * from './satisfaction.types.js';
