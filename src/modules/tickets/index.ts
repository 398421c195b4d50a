export { TicketsService, type TicketHooks, type ChangeContext, type MessageInfo, type CreateTicketInput, type UpdateTicketInput } from './tickets.service.js';
export { AttachmentsService, safeFilename } from './attachments.service.js';
export { ticketsRoutes } from './tickets.routes.js';
export { ReplyDeliverySummary, SlaClockSummary, TicketView, TimelineEventView, StatusSchema, PrioritySchema, TemperatureSchema, ChannelSchema, presentTicket, toTicket } from './tickets.presenter.js';
export type { FieldChange } from './tickets.policy.js';
export * from './tickets.types.js';
