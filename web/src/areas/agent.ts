/** The agent area (one chunk): queues, tickets, escalations, own settings and tokens. */
export { TicketRoute } from '../features/tickets/TicketPage.js';
export { EscalationRoute } from '../features/escalations/EscalationPage.js';
export { SettingsPage } from '../features/settings/SettingsPage.js';
export { OwnTokensPage } from '../features/admin/TokensPage.js';
export { NewTicketRoute, NewCallRoute, IncidentRoute } from './agent-screens.js';
export { IncidentsPage } from '../features/incidents/IncidentsPage.js';
export { SearchPage } from '../features/search/SearchPage.js';
export { ArticlesPage } from '../features/knowledge/ArticlesPage.js';
export { SlackLinkPage } from '../features/settings/SlackLinkPage.js';
export { MacrosPage } from '../features/macros/MacrosPage.js';
export { CustomersPage, OrganizationsPage } from '../features/customers/DirectoryPages.js';
export { CustomerRoute } from '../features/customers/CustomerPage.js';
export { OrganizationRoute } from '../features/customers/OrganizationPage.js';
