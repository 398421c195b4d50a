/** The agent area (one chunk): queues, tickets, escalations, own settings and tokens. */
export { QueueRoute } from '../features/queues/QueuePage.js';
export { TicketRoute } from '../features/tickets/TicketPage.js';
export { EscalationRoute } from '../features/escalations/EscalationPage.js';
export { SettingsPage } from '../features/settings/SettingsPage.js';
export { OwnTokensPage } from '../features/admin/TokensPage.js';
