import type { Config } from './config/config.js';
import { openDatabase, type DatabaseHandle, type Executor } from './db/database.js';
import { RateLimiter } from './http/rate-limits.js';
import { createSecretBox } from './integrations/secret-box.js';
import { JobRunner } from './jobs/job-runner.js';
import type { Clock } from './lib/clock.js';
import { systemClock } from './lib/clock.js';
import type { Logger } from './lib/logger.js';
import { AuditService } from './modules/audit/index.js';
import { OutboundHttp } from './integrations/outbound-http.js';
import { AuthService } from './modules/auth/index.js';
import { CalendarsService, TWENTY_FOUR_SEVEN } from './modules/calendars/index.js';
import { CustomersService } from './modules/customers/index.js';
import { IntakeService, MessagingService, registerIntakeJobs } from './modules/intake/index.js';
import { IntakeEmailService, mailerFor, recordOutgoingMessageId, registerIntakeEmailJobs, systemResolver, type DnsResolver } from './modules/intake-email/index.js';
import { createSlaEscalationTrigger, EscalationsService, registerEscalationJobs } from './modules/escalations/index.js';
import { RotationsService } from './modules/oncall/index.js';
import { PathsService } from './modules/paths/index.js';
import { HandsService, registerHandJobs } from './modules/hands/index.js';
import { LiveEvents, NotificationsService, registerNotificationJobs, SESSION_ENDED_EVENT, USER_DEACTIVATED_EVENT } from './modules/notifications/index.js';
import { PrivacyService, registerPrivacyJobs } from './modules/privacy/index.js';
import { SearchService } from './modules/search/index.js';
import { KnowledgeService } from './modules/knowledge/index.js';
import { MacrosService } from './modules/macros/index.js';
import { ViewsService } from './modules/views/index.js';
import { ReportFacts, ReportsService } from './modules/reports/index.js';
import { registerSatisfactionJobs, SatisfactionService } from './modules/satisfaction/index.js';
import { RepliesService, type ReplyDeliveryView } from './modules/replies/index.js';
import { SlaClocksService, SlaPoliciesService } from './modules/sla/index.js';
import { TeamsService, teamIdsOfUser } from './modules/teams/index.js';
import { AttachmentsService, TicketMergeService, TicketsService, type SlaClockSummary } from './modules/tickets/index.js';
import { UsersService } from './modules/users/index.js';
import { ServicesService } from './modules/services/index.js';
import { IncidentsService, registerIncidentJobs, StatusPageService } from './modules/incidents/index.js';

/**
 * The composition root: plain constructors wired once. Tests build one over a fresh
 * database and a FakeClock; nothing else constructs services.
 */
export interface Container {
  config: Config;
  clock: Clock;
  logger: Logger;
  database: DatabaseHandle;
  audit: AuditService;
  auth: AuthService;
  users: UsersService;
  teams: TeamsService;
  customers: CustomersService;
  tickets: TicketsService;
  attachments: AttachmentsService;
  /** Merging duplicate tickets (issue 15 §2). */
  ticketMerge: TicketMergeService;
  /** Timers and outgoing side effects; started by the worker role, drained directly by tests. */
  jobs: JobRunner;
  calendars: CalendarsService;
  slaPolicies: SlaPoliciesService;
  /** SLA clocks of tickets; the escalation engine plugs in with sla.setEscalationTrigger. */
  sla: SlaClocksService;
  /** Shown with GET /tickets/{id} (keeps the tickets module free of the SLA module). */
  slaClocksFor?(ticketId: string): Promise<SlaClockSummary[]>;
  /** Escalation paths (versions, review, simulator, playbook). */
  escalationPaths: PathsService;
  rotations: RotationsService;
  escalations: EscalationsService;
  /** Inbound mail (SMTP receiver, IMAP poller): raw kept, then tickets, replies, bounces. */
  intakeEmail: IntakeEmailService;
  /** Contact form, private ticket links, phone logs. */
  intake: IntakeService;
  /** Signed chat/messaging webhooks. */
  messaging: MessagingService;
  /** Notification fan-out and delivery (in-app, email, Slack, Teams, webhooks). */
  notifications: NotificationsService;
  /** Public replies delivered to the customer (mail, messaging outbound URL). */
  replies: RepliesService;
  /** Delivery state of replies by timeline event id (keeps the tickets module free of replies). */
  deliveriesFor?(eventIds: string[]): Promise<Map<string, ReplyDeliveryView>>;
  /** Live updates for the console's event stream (LISTEN/NOTIFY on PostgreSQL). */
  live: LiveEvents;
  /** Rate limit counters shared by all nodes (database). */
  rateLimits: RateLimiter;
  teamIdsOfUser(userId: string): Promise<string[]>;
  /** Guarded outbound HTTP (ESCALON_OUTBOUND_ALLOW); also checks URLs when they are saved. */
  outbound: OutboundHttp;
  /** Customer data requests (export, erase) and the retention sweep. */
  privacy: PrivacyService;
  /** Raise a hand (手上げ): live help for an operator on a call. */
  hands: HandsService;
  /** The services catalogue (issue 17). */
  services: ServicesService;
  /** Major incidents: declare, communicate, resolve, RCA; the public status page. */
  incidents: IncidentsService;
  statusPage: StatusPageService;
  /** Full-text search over tickets, messages, escalations, customers and articles (issue 19). */
  search: SearchService;
  /** Knowledge articles, similar past escalations, deflections (issue 19). */
  knowledge: KnowledgeService;
  /** Macros / canned replies (issue 15 §2). */
  macros: MacrosService;
  /** Saved ticket list views (issue 15 §2). */
  views: ViewsService;
  /** Reports (issue 18): metric registry over the ticket facts kept by its ticket hooks. */
  reports: ReportsService;
  /** CSAT after resolution (issue 18): surveys, the rating page, follow-ups. */
  satisfaction: SatisfactionService;
  close(): Promise<void>;
}

export function createContainer(config: Config, logger: Logger, opts: { clock?: Clock; database?: DatabaseHandle; /** DNS of the inbound SPF/DKIM/DMARC check (tests: offline). */ dnsResolver?: DnsResolver } = {}): Container {
  const clock = opts.clock ?? systemClock;
  const database = opts.database ?? openDatabase(config.database);
  const db = database.db;
  const audit = new AuditService(db, clock);
  const users = new UsersService(db, clock, audit);
  const rateLimits = new RateLimiter(db, clock);
  const auth = new AuthService(db, clock, audit, config.sessionTtlHours * 3600_000, { limiter: rateLimits, failuresPerAccount: config.loginAccountRateLimit });
  const teams = new TeamsService(db, clock, audit);
  const customers = new CustomersService(db, clock, audit);
  const tickets = new TicketsService(db, database.dialect, clock, (ex, email, name) => customers.findOrCreateByEmail(ex, email, name));
  // search: written in the transaction of each change (tickets' hooks, escalations, customers).
  const search = new SearchService(db, database.dialect, clock, tickets.access);
  tickets.addHooks(search.ticketHooks());
  tickets.setTextSearch((text) => search.ticketIdsMatching(text));
  customers.setSearchIndex({ customer: (ex, id, created) => search.indexCustomer(ex, id, created), organization: (ex, id) => search.indexOrganization(ex, id) });
  const attachments = new AttachmentsService(db, clock, tickets, config.dataDir, { maxBytes: config.attachmentMaxBytes, maxCount: config.attachmentMaxCount, allowedTypes: config.attachmentTypes }, audit);
  const jobs = new JobRunner({ db, dialect: database.dialect, clock, logger, listenUrl: config.database.kind === 'postgres' ? config.database.url : undefined, shutdownGraceMs: config.shutdownGraceMs });
  const calendars = new CalendarsService(db, clock, audit);
  const slaPolicies = new SlaPoliciesService(db, clock, calendars, audit);
  calendars.setUsageCheck((ex, id) => slaPolicies.policiesUsingCalendar(ex, id));
  const sla = new SlaClocksService(db, clock, tickets, slaPolicies, calendars);
  tickets.addHooks(sla.hooks());
  sla.registerJobs(jobs);
  const escalationPaths = new PathsService(db, clock, audit);
  escalationPaths.setSearchIndex(search);
  const rotations = new RotationsService(db, clock, audit);
  const escalations = new EscalationsService(db, clock, tickets, escalationPaths, (userId) => teamIdsOfUser(db, userId));
  tickets.addHooks(escalations.hooks());
  escalations.setSearchIndex((ex, id) => search.indexEscalation(ex, id));
  const knowledge = new KnowledgeService(db, clock, tickets, search);
  // The playbook links each path's articles; paths reads them without importing knowledge.
  escalationPaths.setArticleSource(knowledge.playbookSource());
  const macros = new MacrosService(db, clock, tickets, audit);
  const views = new ViewsService(db, clock, tickets, audit, (userId) => teamIdsOfUser(db, userId));
  sla.setEscalationTrigger(createSlaEscalationTrigger(escalations));
  registerEscalationJobs(jobs, escalations, escalationPaths);
  escalationPaths.setSlaPreview((facts, arrivalMs) => sla.preview(facts, arrivalMs));
  const mailFrom = config.smtpOut?.from ?? 'escalon@localhost';
  const mailer = mailerFor(config.smtpOut, logger);
  const ownAddresses = [...new Set([config.inboundAddress, mailFrom.replace(/^.*<([^>]+)>.*$/, '$1').toLowerCase()].filter((a): a is string => !!a))];
  // outaudit: one guarded HTTP client for every outbound call (webhooks, channels, Slack, messaging)
  const outbound = new OutboundHttp(config.outboundAllow);
  const replies = new RepliesService({ db, clock, mailer, secrets: createSecretBox(config.secretKey), dataDir: config.dataDir, publicUrl: config.publicUrl, supportAddress: config.inboundAddress ?? mailFrom, ownAddresses, outbound });
  tickets.addHooks(replies.hooks());
  const intakeEmail = new IntakeEmailService(db, clock, logger, tickets, customers, attachments, {
    dataDir: config.dataDir,
    audit,
    limits: { maxAttachmentBytes: config.attachmentMaxBytes, maxTotalBytes: config.smtpIn.maxBytes },
    ownAddresses,
    mailFrom,
    bounced: (tx, messageId, detail, now) => replies.bounced(tx, messageId, detail, now),
    allowAutomatic: (tx, address, kind, now) => replies.allowAutomatic(tx, address, kind, now),
    mailAuth: { resolver: opts.dnsResolver ?? systemResolver(config.emailAuthDnsTimeoutMs), timeoutMs: config.emailAuthDnsTimeoutMs, unverified: config.emailUnverified },
  });
  // Issue 5 (notifications) may take over 'email.send'; until then the intake registers it.
  registerIntakeEmailJobs(jobs, intakeEmail, mailer, config.inboundAddress);
  const intake = new IntakeService(db, clock, tickets, customers, { publicUrl: config.publicUrl, mailFrom, linkTtlDays: config.publicLinkDays, allowAutomatic: (tx, address, kind, now) => replies.allowAutomatic(tx, address, kind, now) });
  // Public links: the token is made when its mail is sent; a new requester gets a new link.
  registerIntakeJobs(jobs, intake, mailer, config.inboundAddress);
  tickets.addHooks(intake.hooks());
  const ticketMerge = new TicketMergeService(db, clock, tickets, { mailFrom, allowAutomatic: (tx, address, kind, now) => replies.allowAutomatic(tx, address, kind, now), recordMessageId: recordOutgoingMessageId });
  const messaging = new MessagingService(db, clock, createSecretBox(config.secretKey), tickets, customers, config.outboundAllow, audit);
  const live = new LiveEvents({ logger, listenUrl: config.database.kind === 'postgres' ? config.database.url : undefined });
  const notifications = new NotificationsService({
    db,
    clock,
    logger,
    config: { publicUrl: config.publicUrl, slack: config.slack, notifyGroupSeconds: config.notifyGroupSeconds, mailFrom },
    secrets: createSecretBox(config.secretKey),
    mailer,
    live,
    ticketAccess: tickets.access,
    customerDeliveries: replies,
    acknowledge: (actor, escalationId) => escalations.acknowledge(actor, escalationId),
    recordOutgoingMessageId,
    outbound,
    audit,
  });
  registerNotificationJobs(jobs, notifications);
  tickets.addHooks(notifications.ticketHooks());
  // accounts: ended sessions and deactivated users close their live streams on every node.
  const accountEvents = {
    sessionsEnded: async (ex: Executor, ids: string[]) => {
      for (let i = 0; i < ids.length; i += 50) await live.publish(ex, { type: SESSION_ENDED_EVENT, ids: ids.slice(i, i + 50) });
    },
    userDeactivated: (ex: Executor, userId: string) => live.publish(ex, { type: USER_DEACTIVATED_EVENT, ids: [userId] }),
  };
  users.setAccountEvents(accountEvents);
  auth.setSessionEvents(accountEvents);
  const services = new ServicesService(db, clock, audit);
  const incidents = new IncidentsService({ db, clock, audit, tickets, services, sla, search, escalations });
  const statusPage = new StatusPageService({ db, clock, services, mailer, publicUrl: config.publicUrl, mailFrom, secretKey: config.secretKey });
  // Exports leave out tickets of restricted teams the requester may not see.
  const privacy = new PrivacyService(db, clock, audit, { dataDir: config.dataDir, retentionClosedDays: config.retentionClosedDays, retentionRawMailDays: config.retentionRawMailDays, visibleTicketIds: (actor, ids, ex) => tickets.access.visibleIds(actor, ids, ex), statusSubscriptions: { export: (ex, email) => statusPage.exportByEmail(ex, email), erase: (tx, email) => statusPage.eraseByEmail(tx, email) }, searchErased: async (ex, customerId, ticketIds) => {
    await search.customerErased(ex, customerId, ticketIds);
    // The scrubbed hands are indexed again from their erased rows (hands is built below; this runs later).
    await hands.reindexErased(ex, customerId, ticketIds);
  } });
  registerPrivacyJobs(jobs, privacy);
  const hands = new HandsService({ db, clock, audit, tickets, escalations, live, search });
  registerHandJobs(jobs, hands);
  registerIncidentJobs(jobs, incidents, statusPage);
  // reports: the ticket facts are kept in each ticket change's transaction.
  const reportFacts = new ReportFacts(db, clock);
  tickets.addHooks(reportFacts.hooks());
  calendars.onChange(() => reportFacts.invalidate());
  escalations.setWorkspaceZone(async (ex) => {
    const cal = await reportFacts.calendar(ex);
    return cal === TWENTY_FOUR_SEVEN ? null : cal.timezone;
  });
  const reports = new ReportsService(db, clock, tickets.access, reportFacts, (viewer, ids) => escalations.getMany(viewer, ids), (viewer, from, to) => hands.report(viewer, from, to));
  const satisfaction = new SatisfactionService({ db, clock, tickets, audit, mailer, publicUrl: config.publicUrl, mailFrom, escalate: (actor, ticketId, input) => escalations.escalate(actor, ticketId, input) });
  tickets.addHooks(satisfaction.hooks());
  registerSatisfactionJobs(jobs, satisfaction);
  return {
    config,
    ticketMerge,
    clock,
    logger,
    database,
    audit,
    auth,
    users,
    teams,
    customers,
    tickets,
    attachments,
    jobs,
    calendars,
    slaPolicies,
    sla,
    slaClocksFor: (ticketId) => sla.clocksFor(ticketId),
    escalationPaths,
    rotations,
    escalations,
    intakeEmail,
    intake,
    messaging,
    teamIdsOfUser: (userId) => teamIdsOfUser(db, userId),
    notifications,
    replies,
    deliveriesFor: (eventIds) => replies.deliveriesFor(db, eventIds),
    live,
    rateLimits,
    outbound,
    privacy,
    hands,
    services,
    incidents,
    statusPage,
    search,
    knowledge,
    macros,
    views,
    reports,
    satisfaction,
    close: async () => {
      await live.close();
      await outbound.close();
      await database.close();
    },
  };
}
