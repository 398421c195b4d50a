/** Non-mail intake: the contact form and private ticket links, messaging webhooks, phone logs. */
export { IntakeService, PRIVATE_LINK_JOB, contactProblems, hashToken, issuePrivateLink, type ContactInput, type ContactResult, type PrivateLinkPayload, type PublicTicketView } from './intake.service.js';
export { registerIntakeJobs } from './intake.jobs.js';
export { linkState } from './intake.policy.js';
export { MessagingService, type MessagingMessage, type IntegrationView } from './messaging.service.js';
export { intakeRoutes } from './intake.routes.js';
