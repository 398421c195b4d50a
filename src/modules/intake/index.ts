/** Non-mail intake: the contact form and private ticket links, messaging webhooks, phone logs. */
export { IntakeService, contactProblems, hashToken, issuePrivateLink, type ContactInput, type ContactResult, type PublicTicketView } from './intake.service.js';
export { MessagingService, type MessagingMessage, type IntegrationView } from './messaging.service.js';
export { intakeRoutes } from './intake.routes.js';
