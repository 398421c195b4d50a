export { TicketsService, type TicketHooks, type AppendedEvent, type AppendedTicketEvent, type AddedMessage, type NewMessage, type ChangeContext, type MessageInfo, type CreateTicketInput, type UpdateTicketInput, type TicketUpdate } from './tickets.service.js';
export { AttachmentsService, safeFilename } from './attachments.service.js';
export { TicketMergeService } from './merge.service.js';
export { ticketsRoutes } from './tickets.routes.js';
export { ReplyDeliverySummary, SlaClockSummary, TicketView, TimelineEventView, StatusSchema, PrioritySchema, TemperatureSchema, ChannelSchema, presentTicket, toTicket } from './tickets.presenter.js';
export type { FieldChange, BulkChanges } from './tickets.policy.js';
export { bulkPatch } from './tickets.policy.js';
export * from './tickets.types.js';
// Who may see which ticket: every module's ticket reads go through these (issue 14 §2).
export { TicketAccess } from './ticket-access.service.js';
export { ticketVisibleCondition, ticketRefVisibleCondition } from './ticket-access.repository.js';
export { ticketAccess, ticketScope, type TicketViewer, type TicketScope, type TicketAccessLevel } from './ticket-access.policy.js';
export { TICKET_LIST_FILTERS, TicketListFilters, ticketFilterOf } from './ticket-filters.js';
export type { TicketSort } from './tickets.repository.js';
