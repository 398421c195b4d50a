/**
 * The shapes the API returns. They come from the server's presenters (type-only imports, erased
 * at build time), so the console is typed by the same schemas that validate and document the API.
 */
import type { CustomerView } from '../../../src/modules/customers/customers.presenter.js';
import type { TeamView } from '../../../src/modules/teams/teams.presenter.js';
import type { TicketView, TimelineEventView } from '../../../src/modules/tickets/tickets.presenter.js';
import type { UserView } from '../../../src/modules/users/users.presenter.js';

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

export interface Session {
  user: UserView;
  csrfToken: string;
}

export interface DemoLogin {
  email: string;
  name: string;
  role: string;
  password: string;
}

/** GET /api/v1/workspace: public facts for the sign-in screen. */
export interface Workspace {
  demo: boolean;
  demoLogins?: DemoLogin[];
}

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** After this the token answers 401 token_expired; null: never. */
  expiresAt: string | null;
  expired: boolean;
}

export interface CreatedToken {
  id: string;
  prefix: string;
  token: string;
}
