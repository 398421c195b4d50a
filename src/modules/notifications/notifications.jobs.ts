import { Type } from '@sinclair/typebox';
import type { JobRunner } from '../../jobs/job-runner.js';
import type { ClaimedJob } from '../../jobs/jobs.types.js';
import type { NotificationsService } from './notifications.service.js';
import { DELIVER_JOB, NOTIFY_JOB } from './notifications.types.js';

/**
 * `notify` (transactional): an intent fanned out to in-app rows and deliveries, exactly once.
 * `deliver` (external): one attempt at one delivery; the delivery decides its retry time
 * within its window, then it is dead.
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
    // Not set-wise yet (notifications.deliverMany is ready): a batch writes its outcomes only
    // when its last send ends, so a shutdown within a slow batch records none of the sends that
    // did finish (test/system/shutdown.int.test.ts fails with it).
  });
}
