/** The ticket list's filters (GET /api/v1/tickets query), also the filters of a saved view. */
import { Type, type Static } from '@sinclair/typebox';
import { OneOf } from '../../http/schemas.js';
import { ChannelSchema, PrioritySchema, StatusSchema } from './tickets.presenter.js';
import type { TicketFilter } from './tickets.repository.js';

const Label = Type.String({ minLength: 1, maxLength: 100 });
const Uuid = Type.String({ format: 'uuid' });
const List = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Optional(Type.Array(item, { maxItems: 20 }));

export const TICKET_LIST_FILTERS = {
  status: List(StatusSchema),
  priority: List(PrioritySchema),
  team: List(Type.String({ description: 'team id, or "mine" for my teams' })),
  assignee: Type.Optional(Type.String({ description: 'user id, "me", or "none" for unassigned' })),
  requester: Type.Optional(Uuid),
  organization: Type.Optional(Type.String({ format: 'uuid', description: "tickets of the organization's customers" })),
  tag: List(Type.String({ maxLength: 50 })),
  category: List(Label),
  product: Type.Optional(Label),
  channel: Type.Optional(ChannelSchema),
  text: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'searches subject, messages and #number' })),
  sla: Type.Optional(OneOf(['at_risk', 'breached'] as const, { description: 'at_risk: an open SLA clock is breached or due within slaWindow; breached: breached and not yet met' })),
  slaWindow: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86400, default: 3600, description: 'seconds ahead that count as at risk (default 3600)' })),
};
export const TicketListFilters = Type.Object(TICKET_LIST_FILTERS, { additionalProperties: false });
export type TicketListFilters = Static<typeof TicketListFilters>;

/** The list query's words (team "mine", assignee "me"/"none", SLA windows) as a repository filter for `me` at `now`. */
export async function ticketFilterOf(q: TicketListFilters, me: string, teamIdsOfUser: (userId: string) => Promise<string[]>, now: number): Promise<TicketFilter> {
  let teamIds = q.team;
  if (teamIds?.includes('mine')) teamIds = [...teamIds.filter((t) => t !== 'mine'), ...(await teamIdsOfUser(me))];
  return {
    status: q.status,
    priority: q.priority,
    teamId: teamIds,
    assigneeId: q.assignee === 'me' ? me : q.assignee === 'none' ? undefined : q.assignee,
    unassigned: q.assignee === 'none',
    requesterId: q.requester,
    organizationId: q.organization,
    tag: q.tag?.map((t) => t.toLowerCase()),
    category: q.category,
    product: q.product,
    channel: q.channel,
    text: q.text,
    ...(q.sla && { sla: { breached: q.sla === 'breached', dueBefore: now + (q.slaWindow ?? 3600) * 1000 } }),
  };
}
