/** Inbound email: parsing and classification (pure), and the intake that keeps and applies mail. */
export { parseInboundEmail, tryParseInboundEmail } from './email-parse.js';
export {
  classifyInbound,
  extractTicketNumber,
  isOutOfOfficeSubject,
  threadingKeys,
} from './email-classify.js';
export { foldQuotedText, type FoldedText } from './email-quote.js';
export { resolveCidReferences, sanitizeEmailHtml } from './email-sanitize.js';
export {
  EmailParseError,
  type AttachmentRejection,
  type AutoReplyReason,
  type BounceReason,
  type EmailMailbox,
  type EmailParseFailure,
  type InboundClassification,
  type ParseLimits,
  type ParsedAttachment,
  type ParsedEmail,
} from './email.types.js';
export { normaliseMessageId } from './email-headers.js';
export {
  IntakeEmailService,
  recordOutgoingMessageId,
  inboundIdentity,
  EMAIL_SEND_JOB,
  type EmailSendPayload,
  type IntakeResult,
  type InboundStatus,
} from './intake-email.service.js';
export { registerIntakeEmailJobs, mailerFor } from './email-send.job.js';
export { evaluateMailAuth, systemResolver, type DnsResolver, type MailAuth, type AuthVerdict } from './email-auth.js';
export { intakeEmailRoutes } from './intake-email.routes.js';
export { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver.js';
export { startImapPoller, type ImapPoller } from './imap-poller.js';
