/** The administration area (one chunk): the screens under /admin. */
export { AllTokensPage } from '../features/admin/TokensPage.js';
export { AuditPage } from '../features/admin/AuditPage.js';
export { CalendarsPage } from '../features/admin/CalendarsPage.js';
export { ChannelsPage } from '../features/admin/ChannelsPage.js';
export { PathEditorRoute } from '../features/admin/PathEditorPage.js';
export { PathsPage } from '../features/admin/PathsPage.js';
export { RotationsPage } from '../features/admin/RotationsPage.js';
export { SimulatorPage } from '../features/admin/SimulatorPage.js';
export { SlaPoliciesPage } from '../features/admin/SlaPoliciesPage.js';
export { AdminTeamsPage } from '../features/admin/TeamsPage.js';
export { AdminUsersPage } from '../features/admin/UsersPage.js';
export { HandsConfigPage } from '../features/hands/HandsConfigPage.js';
export { IncidentSettingsPage } from '../features/admin/IncidentSettingsPage.js';
export { ServicesPage } from '../features/admin/ServicesPage.js';
