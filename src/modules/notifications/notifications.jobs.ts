import { Type } from '@sinclair/typebox';
import type { JobRunner } from '../../jobs/job-runner.js';
import type { ClaimedJob } from '../../jobs/jobs.types.js';
import type { NotificationsService } from './notifications.service.js';
import { DELIVER_JOB, NOTIFY_JOB } from './notifications.types.js';

/**
 * `notify` (transactional): an intent fanned out to in-app rows and deliveries, exactly once.
 * `deliver` (external): one attempt at one delivery (or a batch of them, set-wise); the
 * delivery decides its retry time within its window, then it is dead.
 */
export function registerNotificationJobs(jobs: JobRunner, notifications: NotificationsService): void {
  jobs.register(NOTIFY_JOB, {
    mode: 'transactional',
    loop: 'bulk', // rendering cards and templates for every recipient: not in the timers' way
    schema: Type.Object({ event: Type.String({ minLength: 1 }) }),
    handle: (tx, job, now) => notifications.fanOut(tx, job as ClaimedJob, now),
    // A batch of intents in one transaction, one after the other, their webhook deliveries
    // written together: jobs about one ticket keep their order, so they may share the batch.
    handleMany: (tx, jobs, now) => notifications.fanOutMany(tx, jobs as ClaimedJob[], now),
    manyInOrder: true,
  });
  jobs.register<{ deliveryId: string }>(DELIVER_JOB, {
    mode: 'external',
    schema: Type.Object({ deliveryId: Type.String() }),
    handle: (job) => notifications.deliver(job),
    // Due deliveries in batches: one claim, one read of their turns, the sends side by side
    // (bounded per receiver), their outcomes in one transaction and their jobs finished in one.
    handleMany: (jobs) => notifications.deliverMany(jobs),
  });
}
