import { Type } from '@sinclair/typebox';
import type { SmtpOutConfig } from '../../config/config.js';
import { createMailer, type Mailer } from '../../integrations/smtp.js';
import type { JobRunner } from '../../jobs/job-runner.js';
import type { Logger } from '../../lib/logger.js';
import { EMAIL_SEND_JOB, PROCESS_JOB, type EmailSendPayload, type IntakeEmailService } from './intake-email.service.js';

const EmailSendSchema = Type.Object({
  to: Type.String({ minLength: 3 }),
  subject: Type.String(),
  text: Type.String(),
  html: Type.Optional(Type.String()),
  ticketId: Type.String(),
  messageId: Type.String(),
  inReplyTo: Type.Optional(Type.String()),
  references: Type.Optional(Type.Array(Type.String())),
});

/** The mailer of `email.send` jobs: logs only unless ESCALON_SMTP_URL is set. */
export function mailerFor(smtpOut: SmtpOutConfig | null, logger: Logger): Mailer {
  return createMailer(smtpOut ? { driver: 'smtp', host: smtpOut.host, port: smtpOut.port, secure: smtpOut.secure, user: smtpOut.user, password: smtpOut.password, from: smtpOut.from } : { driver: 'log' }, logger);
}

/**
 * Job handlers of the email intake: the safety net that processes a kept message when the node
 * that received it died first, and `email.send` (acknowledgements and form confirmations;
 * automatic mail, so it carries Auto-Submitted and never answers automatic mail).
 */
export function registerIntakeEmailJobs(jobs: JobRunner, intake: IntakeEmailService, mailer: Mailer, replyTo: string | null): void {
  jobs.register<{ inboundId: string }>(PROCESS_JOB, {
    mode: 'external',
    schema: Type.Object({ inboundId: Type.String() }),
    async handle(job) {
      await intake.process(job.payload.inboundId);
    },
  });
  jobs.register<EmailSendPayload>(EMAIL_SEND_JOB, {
    mode: 'external',
    schema: EmailSendSchema,
    async handle(job) {
      const p = job.payload;
      return mailer.send({ to: p.to, subject: p.subject, text: p.text, html: p.html, messageId: p.messageId, inReplyTo: p.inReplyTo, references: p.references, replyTo: replyTo ?? undefined, autoSubmitted: true });
    },
  });
}
