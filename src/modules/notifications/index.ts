/** The notifications module: what other modules and the composition root may import. */
export * from './templates/index.js';
export { NotificationsService, type NotificationsDeps, type TeamChannelConfig } from './notifications.service.js';
export { notificationsRoutes } from './notifications.routes.js';
export { registerNotificationJobs } from './notifications.jobs.js';
export { LiveEvents, EVENTS_CHANNEL, SESSION_ENDED_EVENT, USER_DEACTIVATED_EVENT, type LiveEvent } from './live-events.js';
export { DELIVER_JOB, DELIVER_MAX_ATTEMPTS, NOTIFY_JOB } from './notifications.types.js';
export type { Intent, NotificationPreferences, DeliveryItem } from './notifications.types.js';
export { outstandingDeliveries } from './notifications.repository.js';
