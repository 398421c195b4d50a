/** Inbound email: parsing and classification (no I/O beyond the parser; no database, no HTTP). */
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
