/** The escalation module's pure core: what other modules may import. */
export * from './escalation.types.js';
export * from './escalation.schema.js';
export {
  validatePath,
  compilePaths,
  matchPaths,
  diffPathVersions,
  targetKey,
  normaliseText,
  type CompiledPaths,
} from './path.policy.js';
export { renderOrigin, renderFact } from './origin.policy.js';
export { whoIsOnCall, nextHandoffs, shiftStartMs, shiftIndexAt } from './rotation.policy.js';
export {
  resolveTarget,
  resolveLevel,
  resolveFallback,
  resolveFrom,
  isReachable,
  unavailability,
  reachPerson,
} from './resolve.policy.js';
export {
  step,
  simulate,
  initialState,
  snapshotOf,
  isFinished,
  timerKeyPrefix,
  FALLBACK_TARGET_KEY,
  type SimulateInput,
  type SimulationResult,
  type SimulatedLevel,
} from './engine.policy.js';
export {
  detectPingPong,
  DEFAULT_PINGPONG_LIMIT,
  type TeamChange,
  type PingPongResult,
} from './pingpong.policy.js';
export {
  summarizeTimeline,
  cleanMessage,
  type SummaryEvent,
  type SummaryOptions,
  type SummaryLang,
} from './summary.policy.js';
export { missingBriefFields } from './brief.policy.js';

// The shell: services, routes and the hooks other modules plug in through the container.
export {
  EscalationsService,
  createSlaEscalationTrigger,
  directSnapshot,
  type EscalateInput,
  type SlaTriggerInput,
} from './escalations.service.js';
export { PathsService, PATH_REVIEW_JOB } from './paths.service.js';
export { RotationsService } from './rotations.service.js';
export { escalationsRoutes } from './escalations.routes.js';
export { pathsRoutes } from './paths.routes.js';
export { ESCALATION_TIMER_JOB, NOTIFY_JOB, escalationKeyPrefix } from './engine-shell.js';
export { EscalationView } from './escalations.presenter.js';
export { registerEscalationJobs } from './escalations.jobs.js';
