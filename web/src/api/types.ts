/**
 * The shapes the API returns. They come from the server's presenters (type-only imports, erased
 * at build time), so the console is typed by the same schemas that validate and document the API;
 * the others from the generated OpenAPI types (schema.d.ts, see typed.ts).
 */
import type { CustomerView } from '../../../src/modules/customers/customers.presenter.js';
import type { TeamView } from '../../../src/modules/teams/teams.presenter.js';
import type { TicketView, TimelineEventView } from '../../../src/modules/tickets/tickets.presenter.js';
import type { UserView } from '../../../src/modules/users/users.presenter.js';
import type { ApiJson } from './typed.js';

export type { CustomerView as Customer, TeamView as Team, TicketView as Ticket, TimelineEventView as TimelineEvent, UserView as User };

export type Status = TicketView['status'];
export type Priority = TicketView['priority'];
export type Temperature = TicketView['temperature'];
export type Role = UserView['role'];
export type TeamRole = TeamView['members'][number]['role'];

export const STATUSES: readonly Status[] = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
export const ACTIVE_STATUSES: readonly Status[] = ['new', 'open', 'pending', 'on_hold'];
export const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];
export const TEMPERATURES: readonly Temperature[] = ['calm', 'concerned', 'upset', 'angry'];
export const ROLES: readonly Role[] = ['agent', 'specialist', 'supervisor', 'manager', 'admin'];
export const TEAM_ROLES: readonly TeamRole[] = ['member', 'supervisor', 'manager'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The answer of sign-in and GET /api/v1/auth/session. */
export type Session = ApiJson<'/api/v1/auth/session'>;

/** GET /api/v1/workspace: public facts for the sign-in screen. */
export type Workspace = ApiJson<'/api/v1/workspace'>;
export type DemoLogin = NonNullable<Workspace['demoLogins']>[number];

export type ApiToken = ApiJson<'/api/v1/tokens'>['items'][number];
export type CreatedToken = ApiJson<'/api/v1/tokens', 'post'>;
