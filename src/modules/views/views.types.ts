/** Saved views (issue 15 §2): the ticket list's filters, sort and columns under a name. */
export const VIEW_SCOPES = ['personal', 'shared'] as const;
export type ViewScope = (typeof VIEW_SCOPES)[number];
export const VIEW_SORTS = ['created', '-created', 'updated', '-updated'] as const;
/** Columns the queue table can show. */
export const VIEW_COLUMNS = ['number', 'subject', 'status', 'priority', 'temperature', 'requester', 'team', 'assignee', 'tags', 'sla', 'created', 'updated'] as const;
/** A count above this is shown as "more than" (counting is as cheap as reading a page of it). */
export const VIEW_COUNT_CAP = 999;
