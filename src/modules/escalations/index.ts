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
