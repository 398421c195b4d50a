/**
 * The escalation engine, brief and lifecycle: what other modules may import. Path
 * definitions live in ../paths, rotations and receiver resolution in ../oncall.
 */
export * from './escalation.types.js';
export * from './escalation.schema.js';
export { renderOrigin, renderFact } from './origin.policy.js';
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
  type BriefInput,
  type SlaTriggerInput,
} from './escalations.service.js';
export { escalationsRoutes } from './escalations.routes.js';
export { ESCALATION_TIMER_JOB, NOTIFY_JOB, escalationKeyPrefix, addSecondsFor } from './engine-shell.js';
export { EscalationView } from './escalations.presenter.js';
export { registerEscalationJobs } from './escalations.jobs.js';
