import { Type } from '@sinclair/typebox';
import type { JobRunner } from '../../jobs/job-runner.js';
import type { SatisfactionService } from './satisfaction.service.js';
import { FOLLOW_UP_JOB, SURVEY_JOB } from './satisfaction.types.js';

const Payload = Type.Object({ surveyId: Type.String() });

export function registerSatisfactionJobs(jobs: JobRunner, satisfaction: SatisfactionService): void {
  // External: the mail goes out after the survey's link is committed (a retry issues a new one).
  jobs.register<{ surveyId: string }>(SURVEY_JOB, { mode: 'external', schema: Payload, handle: (job) => satisfaction.send(job.payload.surveyId) });
  // External: the follow-up escalation opens its own transaction through the escalations module.
  jobs.register<{ surveyId: string }>(FOLLOW_UP_JOB, {
    mode: 'external',
    schema: Payload,
    async handle(job) {
      await satisfaction.followUp(job.payload.surveyId);
      return { ok: true };
    },
  });
}
