export { compileTemplate, templateErrorLocation, MAX_TEMPLATE_CHARS } from './compile-template.js';
export type { TemplateErrorLocation, TemplateFn, TemplateMode } from './compile-template.js';
export { defaultTemplates, NOTIFICATION_EVENTS } from './default-templates.js';
export type { NotificationEvent, TemplateSet } from './default-templates.js';
export { buildNotificationContext, genericNotificationText, renderNotification } from './render-notification.js';
export type {
  DigestItemEvent,
  HeldReason,
  NotificationContext,
  NotificationData,
  RenderedNotification,
  SlaClock,
} from './render-notification.js';
