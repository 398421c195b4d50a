import { Type } from '@sinclair/typebox';
import type { JobRunner } from '../../jobs/job-runner.js';
import { HAND_TIER_JOB, type HandsService } from './hands.service.js';

/** `hand.tier_timeout` (transactional): the next tier is alerted too, exactly once across nodes. */
export function registerHandJobs(jobs: JobRunner, hands: HandsService): void {
  jobs.register<{ handId: string; tierIndex: number }>(HAND_TIER_JOB, {
    mode: 'transactional',
    schema: Type.Object({ handId: Type.String(), tierIndex: Type.Integer({ minimum: 0 }) }),
    handle: (tx, job, now) => hands.tierTimeout(tx, job.payload, now),
  });
}
