/**
 * Query keys per resource. The first element is the resource: live events invalidate by it
 * (api/live-invalidation.ts), and a screen's mutation invalidates `qk.<resource>.all`.
 */
export const qk = {
  tickets: {
    all: ['tickets'] as const,
    list: (query: Record<string, unknown>) => ['tickets', 'list', query] as const,
    detail: (id: string) => ['tickets', 'detail', id] as const,
    timeline: (id: string) => ['tickets', 'timeline', id] as const,
    sla: (id: string) => ['tickets', 'sla', id] as const,
    atRisk: () => ['tickets', 'at-risk'] as const,
    board: () => ['tickets', 'board-at-risk'] as const,
    /** Files of a ticket (each message's and the ones added on their own). */
    attachments: (id: string) => ['tickets', 'attachments', id] as const,
    /** Where the next public reply goes; keyed by the ticket's version, which a change of requester or CCs moves. */
    replyTarget: (id: string, version: number) => ['tickets', 'reply-target', id, version] as const,
    /** The ticket's CSAT survey and rating (a ticket event re-reads it). */
    satisfaction: (id: string) => ['tickets', 'satisfaction', id] as const,
  },
  /** The server's upload limits (configuration: they change only with a restart). */
  attachmentLimits: () => ['attachment-limits'] as const,
  escalations: {
    all: ['escalations'] as const,
    list: (query: Record<string, unknown>) => ['escalations', 'list', query] as const,
    detail: (id: string) => ['escalations', 'detail', id] as const,
    thread: (id: string) => ['escalations', 'thread', id] as const,
    /** The escalate dialog's suggestion for a ticket (path, level, receivers, pre-filled brief). */
    draft: (ticketId: string, choice: Record<string, unknown>) => ['escalations', 'draft', ticketId, choice] as const,
    board: () => ['escalations', 'board'] as const,
    /** Resolved escalations most like a ticket, with their answers. */
    similar: (ticketId: string) => ['escalations', 'similar', ticketId] as const,
  },
  awaitingReply: { all: ['awaiting-reply'] as const },
  /** Major incidents (issue 17): changed by their own screens (mutations invalidate `all`). */
  incidents: {
    all: ['incidents'] as const,
    list: (query: Record<string, unknown>) => ['incidents', 'list', query] as const,
    page: (id: string) => ['incidents', 'page', id] as const,
    ofTicket: (ticketId: string) => ['incidents', 'of-ticket', ticketId] as const,
    candidates: () => ['incidents', 'candidates'] as const,
    services: () => ['incidents', 'services'] as const,
    settings: () => ['incidents', 'settings'] as const,
  },
  /** Raised hands (issue 16): hand.updated patches one hand into these (features/hands/hands-api.ts). */
  hands: {
    all: ['hands'] as const,
    list: (state: string) => ['hands', 'list', state] as const,
    detail: (id: string) => ['hands', 'detail', id] as const,
    floor: () => ['hands', 'floor'] as const,
    call: () => ['hands', 'call'] as const,
    config: () => ['hands', 'config'] as const,
    report: (query: Record<string, unknown>) => ['hands', 'report', query] as const,
  },
  notifications: { all: ['notifications'] as const, list: () => ['notifications', 'list'] as const },
  directory: { all: ['directory'] as const },
  macros: { all: ['macros'] as const, list: (query: Record<string, unknown>) => ['macros', 'list', query] as const },
  search: { all: ['search'] as const, results: (query: Record<string, unknown>) => ['search', 'results', query] as const },
  customers: { all: ['customers'] as const, detail: (id: string) => ['customers', id] as const },
  /** Saved views and their counts (the counts change with every ticket event). */
  views: { all: ['views'] as const, list: () => ['views', 'list'] as const, counts: () => ['views', 'counts'] as const, detail: (id: string) => ['views', 'detail', id] as const },
  /** Configuration screens: ['admin', what, …]. Changed only by the screen itself, so no live events. */
  admin: (...parts: unknown[]) => ['admin', ...parts] as const,
  me: (...parts: unknown[]) => ['me', ...parts] as const,
  /** GET /api/v1/workspace (the sign-in page's demo accounts): read before anyone signs in. */
  workspace: () => ['workspace'] as const,
};
