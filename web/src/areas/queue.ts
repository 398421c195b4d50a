/**
 * The first screen after sign-in (a queue) in a chunk of its own, so it does not wait for the
 * rest of the agent area (ticket, escalation, incident, desk screens), which loads when opened
 * (or on hover: the router preloads on intent).
 */
export { QueueRoute } from '../features/queues/QueuePage.js';
