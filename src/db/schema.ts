/**
 * Row types of every table, as Kysely sees them. Machine timestamps are epoch milliseconds
 * (bigint on PostgreSQL, integer on SQLite); flags are 0/1 integers; JSON is text.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: string;
  locale: string;
  time_zone: string;
  password_hash: string | null;
  availability: string;
  active: number;
  created_at: number;
  updated_at: number;
  /** JSON array of { startMs, endMs, delegateUserId } (0003). */
  out_of_office: Generated<string>;
  /** Standing delegate while away/off (0003). */
  delegate_user_id: Generated<string | null>;
}

export interface TeamsTable {
  id: string;
  name: string;
  description: string;
  contact_email: string | null;
  contact_phone: string | null;
  created_at: number;
  updated_at: number;
  /** 1: only members, escalation receivers and administrators see the team's tickets (0012). */
  restricted: Generated<number>;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
  role: string; // member | supervisor | manager
}

export interface OrganizationsTable {
  id: string;
  name: string;
  tier: string;
  created_at: number;
  updated_at: number;
}

export interface CustomersTable {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  organization_id: string | null;
  tier: string;
  locale: string;
  created_at: number;
  updated_at: number;
  /** When a hard bounce (5.x.x) last said the address does not take mail; null when it does. */
  email_bouncing_at: Generated<number | null>;
  /** RFC 3463 status and the remote server's diagnostic of that bounce. */
  email_bouncing_status: Generated<string | null>;
  email_bouncing_diagnostic: Generated<string | null>;
  /** When the customer was erased on request (0015): identity replaced by placeholders. */
  erased_at: Generated<number | null>;
}

export interface TicketsTable {
  id: string;
  number: number;
  subject: string;
  status: string;
  priority: string;
  category: string | null;
  product: string | null;
  tags: string; // JSON array; ticket_tags is the index for filtering
  channel: string;
  requester_id: string | null;
  team_id: string | null;
  assignee_id: string | null;
  temperature: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  solved_at: number | null;
  closed_at: number | null;
  version: number;
  /** JSON array of lower-cased addresses copied on replies (0006). */
  cc: string;
  /** The ticket this one was merged into (0018); null/absent otherwise. */
  merged_into_id?: string | null;
}

export interface TicketTagsTable {
  ticket_id: string;
  tag: string;
}

export interface TicketEventsTable {
  id: string;
  ticket_id: string;
  kind: string;
  visibility: string; // public | internal
  author_type: string; // user | customer | system
  author_id: string | null;
  body: string | null;
  /** text (line breaks kept; inbound mail, older rows) or markdown (an agent's reply or note); migration 0027 */
  body_format: Generated<string>;
  data: string; // JSON object
  created_at: number;
}

export interface AttachmentsTable {
  id: string;
  ticket_id: string;
  event_id: string | null;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  storage_key: string;
  created_by: string | null;
  created_at: number;
}

export interface AuditLogTable {
  id: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  data: string;
  created_at: number;
}

export interface SessionsTable {
  id: string; // SHA-256 of the cookie value
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  /** null: never expires (0013). */
  expires_at?: number | null;
}

export interface JobsTable {
  id: string;
  kind: string;
  dedupe_key: string | null;
  payload: string;
  due_at: number;
  state: string; // pending | running | done | failed | dead | cancelled
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface CountersTable {
  name: string;
  value: Generated<number>;
}

export interface SettingsTable {
  key: string;
  value: string; // JSON
}

export interface EscalationPathsTable {
  id: string;
  version: number;
  name: string;
  owner_id: string;
  active: number;
  auto_escalate: number;
  definition: string; // JSON PathDefinition of the current version
  review_interval_days: number;
  last_reviewed_at: number | null;
  last_reviewed_by: string | null;
  review_due_at: number;
  deleted_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface EscalationPathVersionsTable {
  path_id: string;
  version: number;
  definition: string; // JSON PathDefinition
  author_id: string | null;
  reason: string;
  created_at: number;
}

export interface RotationsTable {
  id: string;
  name: string;
  definition: string; // JSON Rotation without id
  created_at: number;
  updated_at: number;
}

export interface EscalationsTable {
  id: string;
  ticket_id: string;
  path_id: string | null;
  path_version: number | null;
  kind: string; // functional | hierarchical
  trigger: string; // manual | auto | sla | pingpong
  status: string;
  stage: string;
  level_index: number;
  snapshot: string; // JSON EscalationSnapshot
  state: string; // JSON EscalationState
  brief: string; // JSON Brief
  requested_by: string | null;
  requested_at: number;
  ack_due_at: number | null;
  acknowledged_at: number | null;
  finished_at: number | null;
  created_at: number;
  updated_at: number;
  revision: number;
}

export interface EscalationRecipientsTable {
  escalation_id: string;
  kind: string; // user | team
  ref_id: string;
}

export interface CalendarsTable {
  id: string;
  name: string;
  definition: string; // JSON CalendarDefinition
  created_at: number;
  updated_at: number;
}

export interface SlaPoliciesTable {
  id: string;
  name: string;
  position: number;
  active: number;
  conditions: string; // JSON
  targets: string; // JSON
  pause_statuses: string; // JSON array
  warnings: string; // JSON
  actions: string; // JSON
  version: number;
  created_at: number;
  updated_at: number;
}

export interface TicketSlaTable {
  ticket_id: string;
  policy_id: string;
  policy_name: string;
  policy_version: number;
  snapshot: string; // JSON: the applied policy with calendar definitions
  applied_at: number;
}

export interface SlaClocksTable {
  id: string;
  ticket_id: string;
  kind: string; // first_response | next_response | resolution
  policy_id: string;
  target_seconds: number;
  calendar_id: string | null;
  calendar: string | null; // JSON calendar definition snapshot; null = 24/7
  cycle: number;
  state: string; // running | paused | met | breached
  started_at: number;
  consumed_ms: number;
  segment_started_at: number | null;
  due_at: number | null;
  met_at: number | null;
  breached_at: number | null;
  superseded_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface InboundMessagesTable {
  id: string;
  source: string; // smtp | imap | reprocess
  dedupe_key: string; // Message-ID + content fingerprint (unique)
  message_id: string;
  status: string; // received | processed | rejected | failed
  reason: string | null;
  error: string | null;
  raw_key: string; // file under <data dir>/inbound/
  raw_size: number;
  raw_sha256: string;
  envelope: Generated<string>; // JSON { mailFrom, rcptTo[], remoteAddress }
  subject: string | null;
  from_address: string | null;
  ticket_id: string | null;
  event_id: string | null;
  deliveries: Generated<number>;
  attempts: Generated<number>;
  created_at: number;
  updated_at: number;
  /** 0014: SPF/DKIM/DMARC facts (JSON) and the verdict (pass | fail | none | temperror | …). */
  auth: string | null;
  auth_verdict: string | null;
  /** 0014: who accepted or rejected a mail held as unverified, and when. */
  resolved_by: string | null;
  resolved_at: number | null;
}

export interface TicketMessageIdsTable {
  message_id: string;
  ticket_id: string;
  direction: string; // in | out
  created_at: number;
}

export interface MessagingIntegrationsTable {
  id: string;
  name: string;
  secret: string; // sealed (secret-box)
  active: number;
  /** Where agents' replies are POSTed (signed); null: replies cannot go out on this channel. */
  outbound_url: string | null;
  created_at: number;
  updated_at: number;
}

export interface MessagingConversationsTable {
  integration_id: string;
  conversation_id: string;
  ticket_id: string;
  customer_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface PublicTicketLinksTable {
  token_hash: string;
  ticket_id: string;
  customer_id: string;
  created_at: number;
  /** 0014: set when the ticket's requester changed; the link no longer opens the ticket. */
  revoked_at: number | null;
}

/** 0014: messages of a messaging platform already taken in (dedupe on the platform's id). */
export interface MessagingMessagesTable {
  integration_id: string;
  message_id: string;
  ticket_id: string;
  event_id: string;
  created_at: number;
}

/** Fixed-window rate limit counters shared by all nodes (0013). */
export interface RateLimitHitsTable {
  key: string;
  hits: number;
  expires_at: number;
}

/** One-time links from the Slack slash command (0017): the token's hash, deleted when used. */
export interface SlackLinkTokensTable {
  token_hash: string;
  slack_user_id: string;
  slack_team_id: string | null;
  expires_at: number;
  created_at: number;
}

export interface NotificationPreferencesTable {
  user_id: string;
  channels: string; // JSON { [event]: channel[] }
  quiet_hours: string | null; // JSON { start, end } (HH:MM in the user's time zone)
  slack_user_id: string | null;
  updated_at: number;
  /** When slack_user_id was verified to be this person's (0013); null: not trusted. */
  slack_verified_at?: number | null;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  event: string;
  ticket_id: string | null;
  escalation_id: string | null;
  title: string;
  body: string;
  data: string; // JSON
  read_at: number | null;
  created_at: number;
}

export interface DeliveriesTable {
  id: string;
  channel: string; // email | slack | teams | webhook
  recipient_key: string;
  user_id: string | null;
  ticket_id: string | null;
  group_key: string | null;
  event: string;
  items: string; // JSON DeliveryItem[]
  state: string; // pending | queued | failed | done | dead | dropped
  sealed: number;
  attempts: number;
  last_response: string | null;
  scheduled_at: number;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
  /** The timeline event (a reply) a customer delivery carries (0006). */
  event_id?: string | null;
  /** Message-ID of a customer mail, so a bounce of it finds this delivery (0006). */
  message_id?: string | null;
  /** Order within one recipient and ticket: from a sequence on insert (0008). */
  seq?: number | null;
  /** When the next attempt of a retrying delivery is due (0008). */
  next_attempt_at?: number | null;
  /** Retries stop (the delivery is dead) after this instant (0008). */
  retry_until?: number | null;
  /** Why a dropped delivery was not sent: acknowledged, met, superseded, finished (0008). */
  drop_reason?: string | null;
}

/** One automatic mail (acknowledgement, confirmation) per row: the per-address loop cap. */
export interface AutomaticMailLogTable {
  id: string;
  address: string;
  kind: string;
  created_at: number;
}

export interface DeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  ok: number;
  response: string;
  started_at: number;
  duration_ms: number;
}

export interface TeamChannelsTable {
  id: string;
  team_id: string;
  kind: string; // slack_webhook | slack_bot | teams_webhook
  config: string; // sealed JSON
  label: string;
  created_at: number;
  updated_at: number;
  /** How long a failing delivery keeps being retried; null: the default (0008). */
  retry_window_ms?: number | null;
}

export interface WebhookSubscriptionsTable {
  id: string;
  url: string;
  events: string; // JSON string[]
  secret: string; // sealed
  active: number;
  created_at: number;
  updated_at: number;
  /** How long a failing delivery keeps being retried; null: the default (0008). */
  retry_window_ms?: number | null;
}

export interface NotificationTemplatesTable {
  event: string;
  language: string;
  subject: string;
  text: string;
  html: string;
  updated_by: string | null;
  updated_at: number;
}

/** 0022: one searchable thing; its tokens are in search_fts (SQLite) or the tsv column (PostgreSQL). */
export interface SearchDocumentsTable {
  seq: Generated<number>;
  kind: string;
  ref_id: string;
  ticket_id: string | null;
  customer_id: string | null;
  title: string;
  body: string;
  at: number;
  version: number;
  updated_at: number;
}

/** 0022: a knowledge article in Japanese and English. */
export interface ArticlesTable {
  id: string;
  title_ja: string;
  body_ja: string;
  title_en: string;
  body_en: string;
  category: string | null;
  product: string | null;
  owner_id: string | null;
  review_at: number | null;
  visibility: string; // internal | public
  source_kind: string | null; // escalation
  source_id: string | null;
  use_count: Generated<number>;
  last_used_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  version: Generated<number>;
}

/** 0022: an article inserted into a reply. */
export interface ArticleUsesTable {
  id: string;
  article_id: string;
  ticket_id: string;
  user_id: string | null;
  created_at: number;
}

/** 0022: an agent answered from a similar past escalation instead of escalating. */
export interface EscalationDeflectionsTable {
  id: string;
  ticket_id: string;
  source_escalation_id: string | null;
  user_id: string | null;
  created_at: number;
}

/** Reports (0021): one row per ticket, kept by the reports module's ticket hooks. `id` is the ticket's. */
export interface ReportTicketFactsTable {
  id: string;
  team_id: string | null;
  assignee_id: string | null;
  category: string | null;
  product: string | null;
  priority: string;
  channel: string;
  status: string;
  created_at: number;
  first_response_at: number | null;
  first_response_ms: number | null;
  first_response_biz_ms: number | null;
  awaiting_since: number | null;
  solved_at: number | null;
  first_solved_at: number | null;
  resolution_ms: number | null;
  resolution_biz_ms: number | null;
  reopens: Generated<number>;
  reassignments: Generated<number>;
  escalations: Generated<number>;
}

/** Reports (0021): each next response (customer message → agent answer). */
export interface ReportResponsesTable {
  id: string;
  ticket_id: string;
  asked_at: number;
  answered_at: number;
  wall_ms: number;
  biz_ms: number;
}

/** CSAT (0021): at most one survey per ticket. */
export interface SatisfactionSurveysTable {
  id: string;
  ticket_id: string;
  customer_id: string | null;
  email: string | null;
  language: string;
  state: string; // scheduled | sent | skipped | rated
  skip_reason: string | null;
  token_hash: string | null;
  agent_id: string | null;
  team_id: string | null;
  path_id: string | null;
  escalated: number;
  solved_at: number;
  due_at: number;
  sent_at: number | null;
  expires_at: number | null;
  rating: string | null; // good | bad
  score: number | null;
  reason: string | null;
  comment: string | null;
  rated_at: number | null;
  follow_up: string | null; // JSON
  created_at: number;
  updated_at: number;
}

export interface Database {
  settings: SettingsTable;
  users: UsersTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  organizations: OrganizationsTable;
  customers: CustomersTable;
  tickets: TicketsTable;
  ticket_tags: TicketTagsTable;
  ticket_events: TicketEventsTable;
  attachments: AttachmentsTable;
  audit_log: AuditLogTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  jobs: JobsTable;
  counters: CountersTable;
  escalation_paths: EscalationPathsTable;
  escalation_path_versions: EscalationPathVersionsTable;
  rotations: RotationsTable;
  escalations: EscalationsTable;
  escalation_recipients: EscalationRecipientsTable;
  calendars: CalendarsTable;
  sla_policies: SlaPoliciesTable;
  ticket_sla: TicketSlaTable;
  sla_clocks: SlaClocksTable;
  inbound_messages: InboundMessagesTable;
  ticket_message_ids: TicketMessageIdsTable;
  messaging_integrations: MessagingIntegrationsTable;
  messaging_conversations: MessagingConversationsTable;
  messaging_messages: MessagingMessagesTable;
  public_ticket_links: PublicTicketLinksTable;
  notification_preferences: NotificationPreferencesTable;
  slack_link_tokens: SlackLinkTokensTable;
  notifications: NotificationsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  team_channels: TeamChannelsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  notification_templates: NotificationTemplatesTable;
  automatic_mail_log: AutomaticMailLogTable;
  // accounts (0013)
  rate_limit_hits: RateLimitHitsTable;
  // raise a hand (0019)
  hands: HandsTable;
  hand_events: HandEventsTable;
  hand_presence: HandPresenceTable;
  // search and knowledge (0022)
  search_documents: SearchDocumentsTable;
  articles: ArticlesTable;
  article_uses: ArticleUsesTable;
  escalation_deflections: EscalationDeflectionsTable;
  // macros and saved views (0023)
  macros: MacrosTable;
  saved_views: SavedViewsTable;
  // reports and CSAT (0021)
  report_ticket_facts: ReportTicketFactsTable;
  report_responses: ReportResponsesTable;
  satisfaction_surveys: SatisfactionSurveysTable;
}

/** An operator's raised hand (0019); JSON as text: tiers (snapshot of the routing), alerted (user ids). */
export interface HandsTable {
  id: string;
  state: string; // open | claimed | closed
  operator_id: string;
  team_id: string | null;
  ticket_id: string | null;
  customer_id: string | null;
  call_id: string | null;
  caller_number: string | null;
  category: string;
  ask: string;
  concern: string;
  tried: string;
  environment: string;
  background: string;
  temperature: string | null;
  tiers: string;
  tier_index: number;
  alerted: string;
  next_tier_at: number | null;
  exhausted_at: number | null;
  claimed_by: string | null;
  claimed_at: number | null;
  joined_call_mode: string | null;
  joined_call_at: number | null;
  outcome: string | null;
  answer: string | null;
  callback_due_at: number | null;
  escalation_id: string | null;
  closed_by: string | null;
  closed_at: number | null;
  raised_at: number;
  updated_at: number;
}

/** Every transition and line of a hand, with its actor and instant (0019). */
export interface HandEventsTable {
  id: string;
  hand_id: string;
  kind: string;
  actor_id: string | null;
  body: string | null;
  data: string;
  created_at: number;
}

/** Per person: available for hands (supervisors) and the phone state a CTI reports (0019). */
export interface HandPresenceTable {
  user_id: string;
  available_for_hands: number;
  on_call: number;
  call_id: string | null;
  caller_number: string | null;
  call_started_at: number | null;
  updated_at: number;
}

export type UserRow = Selectable<UsersTable>;
export type TeamRow = Selectable<TeamsTable>;
export type CustomerRow = Selectable<CustomersTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
export type TicketRow = Selectable<TicketsTable>;
export type TicketEventRow = Selectable<TicketEventsTable>;
export type JobRow = Selectable<JobsTable>;
export type NewJob = Insertable<JobsTable>;
export type TicketUpdate = Updateable<TicketsTable>;

/** 0023: a canned reply; changes is JSON ({ status?, priority?, teamId?, addTags?, removeTags? }). */
export interface MacrosTable {
  id: string;
  name: string;
  body_ja: string;
  body_en: string;
  changes: string;
  scope: string; // personal | shared
  owner_id: string | null;
  created_by: string | null;
  updated_by: string | null;
  created_at: number;
  updated_at: number;
}

/** 0023: a saved ticket list view; filters and columns are JSON. */
export interface SavedViewsTable {
  id: string;
  name: string;
  filters: string;
  sort: string | null;
  columns: string;
  scope: string; // personal | shared
  owner_id: string | null;
  created_by: string | null;
  updated_by: string | null;
  created_at: number;
  updated_at: number;
}
