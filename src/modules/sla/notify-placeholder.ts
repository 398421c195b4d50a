import { Type } from '@sinclair/typebox';
import type { JobRunner } from '../../jobs/job-runner.js';

/**
 * SLA warnings and breaches queue `notify` jobs (the notification intent, written in the same
 * transaction as the event): payload { event, ticketId, clockId, clockKind, dueAt, recipients,
 * userIds }. Until the notifications module (issue 5) registers the real deliverer, this
 * handler completes them so they are recorded as done rather than dead. Issue 5 replaces it:
 * remove this registration from the container when it lands.
 */
export function registerNotifyPlaceholder(jobs: JobRunner): void {
  jobs.register('notify', { mode: 'transactional', schema: Type.Object({ event: Type.String(), ticketId: Type.String() }), handle: async () => undefined });
}
