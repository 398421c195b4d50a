import { Type } from '@sinclair/typebox';
import type { JobRunner } from '../../jobs/job-runner.js';
import type { ClaimedJob } from '../../jobs/jobs.types.js';
import type { NotificationsService } from './notifications.service.js';
import { DELIVER_JOB, NOTIFY_JOB } from './notifications.types.js';

/**
 * `notify` (transactional): an intent fanned out to in-app rows and deliveries, exactly once.
 * `deliver` (external): one attempt at one delivery; the runner retries with backoff and
 * jitter up to its maxAttempts, then dead-letters it.
 */
export function registerNotificationJobs(jobs: JobRunner, notifications: NotificationsService): void {
  jobs.register(NOTIFY_JOB, {
    mode: 'transactional',
    loop: 'bulk', // rendering cards and templates for every recipient: not in the timers' way
    schema: Type.Object({ event: Type.String({ minLength: 1 }) }),
    handle: (tx, job, now) => notifications.fanOut(tx, job as ClaimedJob, now),
  });
  jobs.register<{ deliveryId: string }>(DELIVER_JOB, {
    mode: 'external',
    schema: Type.Object({ deliveryId: Type.String() }),
    handle: (job) => notifications.deliver(job),
  });
}
