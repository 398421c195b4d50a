/**
 * On-call: rotations, availability and receiver resolution (who is reached for a target
 * now, skipping people who are away, off or on leave). What other modules may import.
 * Types and schemas come first: other modules' schemas are built from them when their
 * files load.
 */
export * from './oncall.types.js';
export * from './oncall.schema.js';
export { whoIsOnCall, nextHandoffs, shiftStartMs, shiftIndexAt } from './rotation.policy.js';
export {
  resolveTarget,
  resolveLevel,
  resolveFallback,
  resolveFrom,
  isReachable,
  unavailability,
  unavailabilityOf,
  reachPerson,
  supervisorsOfUser,
  traceText,
} from './resolve.policy.js';
export { loadDirectory, directoryIds, userNames } from './oncall.repository.js';
export { RotationView, OnCallView } from './oncall.presenter.js';
export { RotationsService } from './rotations.service.js';
export { oncallRoutes } from './oncall.routes.js';
