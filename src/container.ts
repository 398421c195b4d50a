import type { Config } from './config/config.js';
import { openDatabase, type DatabaseHandle } from './db/database.js';
import { JobRunner } from './jobs/job-runner.js';
import type { Clock } from './lib/clock.js';
import { systemClock } from './lib/clock.js';
import type { Logger } from './lib/logger.js';
import { AuditService } from './modules/audit/index.js';
import { AuthService } from './modules/auth/index.js';
import { CustomersService } from './modules/customers/index.js';
import { TeamsService, teamIdsOfUser } from './modules/teams/index.js';
import { AttachmentsService, TicketsService } from './modules/tickets/index.js';
import { UsersService } from './modules/users/index.js';

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
  /** Timers and outgoing side effects; started by the worker role, drained directly by tests. */
  jobs: JobRunner;
  teamIdsOfUser(userId: string): Promise<string[]>;
  close(): Promise<void>;
}

export function createContainer(config: Config, logger: Logger, opts: { clock?: Clock; database?: DatabaseHandle } = {}): Container {
  const clock = opts.clock ?? systemClock;
  const database = opts.database ?? openDatabase(config.database);
  const db = database.db;
  const audit = new AuditService(db, clock);
  const users = new UsersService(db, clock, audit);
  const auth = new AuthService(db, clock, audit, config.sessionTtlHours * 3600_000);
  const teams = new TeamsService(db, clock);
  const customers = new CustomersService(db, clock);
  const tickets = new TicketsService(db, database.dialect, clock, (ex, email, name) => customers.findOrCreateByEmail(ex, email, name));
  const attachments = new AttachmentsService(db, clock, tickets, config.dataDir, config.attachmentMaxBytes);
  const jobs = new JobRunner({ db, dialect: database.dialect, clock, logger, listenUrl: config.database.kind === 'postgres' ? config.database.url : undefined });
  return {
    config,
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
    teamIdsOfUser: (userId) => teamIdsOfUser(db, userId),
    close: () => database.close(),
  };
}
