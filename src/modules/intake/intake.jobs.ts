import { Type } from '@sinclair/typebox';
import type { Mailer } from '../../integrations/smtp.js';
import type { JobRunner } from '../../jobs/job-runner.js';
import { PRIVATE_LINK_JOB, type IntakeService, type PrivateLinkPayload } from './intake.service.js';

const PrivateLinkSchema = Type.Object({
  ticketId: Type.String(),
  customerId: Type.String(),
  to: Type.String({ minLength: 3 }),
  locale: Type.Union([Type.Literal('ja'), Type.Literal('en')]),
  messageId: Type.String(),
  reason: Type.Union([Type.Literal('confirm'), Type.Literal('rotated')]),
});

/** The private-link mail: automatic (Auto-Submitted), the token made when it is sent. */
export function registerIntakeJobs(jobs: JobRunner, intake: IntakeService, mailer: Mailer, replyTo: string | null): void {
  jobs.register<PrivateLinkPayload>(PRIVATE_LINK_JOB, {
    mode: 'external',
    schema: PrivateLinkSchema,
    async handle(job) {
      return intake.sendPrivateLink(job.payload, (m) => mailer.send({ ...m, replyTo: replyTo ?? undefined, autoSubmitted: true }));
    },
  });
}
