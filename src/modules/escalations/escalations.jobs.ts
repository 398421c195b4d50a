/** The escalation module's job handlers: level timers and path review reminders. */
import { Type, type Static } from '@sinclair/typebox';
import type { JobRunner } from '../../jobs/job-runner.js';
import { ESCALATION_TIMER_JOB } from './engine-shell.js';
import type { EscalationsService } from './escalations.service.js';
import { PATH_REVIEW_JOB, type PathsService } from '../paths/index.js';

const TimerPayload = Type.Object({
  escalationId: Type.String(),
  kind: Type.Union([Type.Literal('ack_timeout'), Type.Literal('reminder_due')]),
  levelIndex: Type.Integer(),
  targetKey: Type.String(),
});
const ReviewPayload = Type.Object({ pathId: Type.String() });

export function registerEscalationJobs(jobs: JobRunner, escalations: EscalationsService, paths: PathsService): void {
  jobs.register<Static<typeof TimerPayload>>(ESCALATION_TIMER_JOB, {
    mode: 'transactional',
    schema: TimerPayload,
    handle: (tx, job, now) => escalations.onTimer(tx, job, now),
  });
  jobs.register<Static<typeof ReviewPayload>>(PATH_REVIEW_JOB, {
    mode: 'transactional',
    schema: ReviewPayload,
    handle: (tx, job, now) => paths.onReviewDue(tx, job.payload.pathId, now),
  });
}
