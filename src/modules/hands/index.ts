/** Raise a hand (手上げ): what other modules may import. */
export * from './hands.types.js';
export { handsReport, handGroupKey, handGroupFigures, HAND_GROUPINGS, type HandGrouping, type HandsReport, type ReportHand, type Spread } from './hands-report.policy.js';
export { routeFrom, routeTier, skipOf, targetPeople, validateHandsConfig, percentile, holdSeconds, type RoutingInput } from './hands.policy.js';
export { HandsService, loadHandsConfig, HAND_TIER_JOB, HAND_UPDATED_EVENT, HAND_TYPING_EVENT, HANDS_CONFIG_KEY } from './hands.service.js';
export { HandView, HandEventView, type CallView } from './hands.presenter.js';
export { handsRoutes } from './hands.routes.js';
export { registerHandJobs } from './hands.jobs.js';
