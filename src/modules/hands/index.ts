/** Raise a hand (手上げ): what other modules may import. */
export * from './hands.types.js';
export { handsReport, type HandsReport, type ReportHand } from './hands-report.policy.js';
export { routeFrom, routeTier, skipOf, targetPeople, validateHandsConfig, percentile, holdSeconds, type RoutingInput } from './hands.policy.js';
export { HandsService, HAND_TIER_JOB, HAND_UPDATED_EVENT, HAND_TYPING_EVENT, HANDS_CONFIG_KEY } from './hands.service.js';
export { HandView, HandEventView, type CallView } from './hands.presenter.js';
export { handsRoutes } from './hands.routes.js';
export { registerHandJobs } from './hands.jobs.js';
