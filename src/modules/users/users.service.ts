import type { Db, Executor } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import { isUniqueViolation } from '../../db/dialect.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, conflict, forbidden, invalid, notFound, type FieldProblem } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { isValidTimeZone } from '../../lib/timezone.js';
import { decodeCursor, toPage } from '../../http/cursor.js';
import type { AuditService } from '../audit/index.js';
import { can } from '../auth/auth.policy.js';
import { endSessions, revokeTokensOf } from '../auth/auth.repository.js';
import { checkPassword, hashPassword, verifyPassword } from '../auth/password.js';
import type { Locale, Principal, Role } from '../auth/auth.types.js';
import type { Updateable } from 'kysely';
import type { UsersTable } from '../../db/schema.js';
import { presentUser, type StoredOutOfOffice, type UserView } from './users.presenter.js';
import { countUsers, findUserByEmail, findUserById, insertUser, listUsers, sharedTeamRoles, updateUser } from './users.repository.js';
import { enqueueJob } from '../../jobs/jobs.repository.js';

/** The `notify` job kind and the event a person hears when someone else set their availability. */
const NOTIFY_JOB = 'notify';
export const AVAILABILITY_CHANGED_EVENT = 'user.availability_changed';
import type { Availability } from './users.types.js';

export interface CreateUserInput {
  email: string;
  name: string;
  role: Role;
  locale?: Locale;
  timeZone?: string;
  password?: string;
}

export interface UpdateUserInput {
  name?: string;
  email?: string;
  role?: Role;
  locale?: Locale;
  timeZone?: string;
  password?: string;
  currentPassword?: string;
  /** With a new password: also revoke the user's API tokens (sessions other than the caller's always end). */
  revokeTokens?: boolean;
  active?: boolean;
}

/** Told after commit which sessions ended and whose account closed (the live stream closes them). */
export interface AccountEvents {
  sessionsEnded(ex: Executor, sessionIds: string[]): Promise<void>;
  userDeactivated(ex: Executor, userId: string): Promise<void>;
}

/** Availability, out-of-office windows and the standing delegate; omitted parts stay unchanged. */
export interface AvailabilityInput {
  /** Older name of `status`, kept for existing clients. */
  availability?: Availability;
  status?: Availability;
  outOfOffice?: { start: string; end: string; delegateUserId?: string | null }[];
  delegateUserId?: string | null;
}

const EMAIL_RE = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

export class UsersService {
  private events: AccountEvents = { sessionsEnded: async () => undefined, userDeactivated: async () => undefined };

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  setAccountEvents(events: AccountEvents): void {
    this.events = events;
  }

  private async passwordFieldProblems(password: string, email: string | null): Promise<FieldProblem[]> {
    return (await checkPassword(password, email)).map((p) => ({ field: 'password', ...p }));
  }

  async create(actor: Principal | null, input: CreateUserInput, ip?: string): Promise<UserView> {
    const problems: FieldProblem[] = [];
    const email = input.email.trim().toLowerCase();
    if (!EMAIL_RE.test(email)) problems.push({ field: 'email', message: 'is not a valid email address', code: 'invalid_email' });
    if (input.name.trim() === '') problems.push({ field: 'name', message: 'must not be empty', code: 'empty' });
    if (input.timeZone !== undefined && !isValidTimeZone(input.timeZone)) {
      problems.push({ field: 'timeZone', message: `"${input.timeZone}" is not an IANA time zone (e.g. Asia/Tokyo)`, code: 'unknown_time_zone', params: { value: input.timeZone } });
    }
    if (input.password !== undefined) problems.push(...(await this.passwordFieldProblems(input.password, email)));
    if (problems.length) throw invalid(problems);
    const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
    const now = this.clock.now();
    const id = newId();
    try {
      await inTransaction(this.db, async (tx) => {
        await insertUser(tx, {
          id,
          email,
          name: input.name.trim(),
          role: input.role,
          locale: input.locale ?? 'ja',
          time_zone: input.timeZone ?? 'Asia/Tokyo',
          password_hash: passwordHash,
          availability: 'available',
          active: 1,
          created_at: now,
          updated_at: now,
        });
        await this.audit.record(tx, { actorId: actor?.userId ?? null, action: 'user.created', targetType: 'user', targetId: id, ip, data: { email, role: input.role } });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`A user with email ${email} already exists.`, { problems: [{ field: 'email', message: 'is already in use', code: 'email_in_use' }] });
      throw err;
    }
    return this.get(id);
  }

  async get(id: string): Promise<UserView> {
    const row = await findUserById(this.db, id);
    if (!row) throw notFound('User', id);
    return presentUser(row);
  }

  async list(opts: { limit: number; cursor?: string; role?: string; q?: string; active?: boolean }) {
    const key = decodeCursor(opts.cursor);
    const rows = await listUsers(this.db, { ...opts, after: key?.id });
    const page = toPage(rows, opts.limit, (r) => ({ v: null, id: r.id }));
    return { items: page.items.map(presentUser), nextCursor: page.nextCursor };
  }

  /** Admins change anything; everyone else only their own name, language, time zone and password. */
  async update(actor: Principal, id: string, input: UpdateUserInput, ip?: string): Promise<UserView> {
    const isAdmin = can(actor.role, 'users.manage');
    const isSelf = actor.userId === id;
    if (!isAdmin && !isSelf) throw forbidden('Only administrators can change other users.');
    if (!isAdmin && (input.role !== undefined || input.active !== undefined || input.email !== undefined)) {
      throw forbidden('Only administrators can change a role, an email address or deactivate a user.');
    }
    const problems: FieldProblem[] = [];
    if (input.name !== undefined && input.name.trim() === '') problems.push({ field: 'name', message: 'must not be empty', code: 'empty' });
    if (input.email !== undefined && !EMAIL_RE.test(input.email.trim())) problems.push({ field: 'email', message: 'is not a valid email address', code: 'invalid_email' });
    if (input.timeZone !== undefined && !isValidTimeZone(input.timeZone)) {
      problems.push({ field: 'timeZone', message: `"${input.timeZone}" is not an IANA time zone (e.g. Asia/Tokyo)`, code: 'unknown_time_zone', params: { value: input.timeZone } });
    }
    const row = await findUserById(this.db, id);
    if (!row) throw notFound('User', id);
    if (input.password !== undefined) problems.push(...(await this.passwordFieldProblems(input.password, input.email ?? row.email)));
    if (problems.length) throw invalid(problems);
    // Changing one's own password needs the current one (administrators included): a session
    // left open on a shared computer must not be enough to take the account over.
    if (input.password !== undefined && isSelf) {
      if (!input.currentPassword) throw invalid([{ field: 'currentPassword', code: 'current_password_required', message: 'is required to change your own password' }]);
      if (!row.password_hash || !(await verifyPassword(row.password_hash, input.currentPassword))) {
        throw new AppError('current_password_incorrect', 'The current password is not correct.', { problems: [{ field: 'currentPassword', code: 'current_password_incorrect', message: 'does not match your current password' }] });
      }
    }
    const passwordHash = input.password !== undefined ? await hashPassword(input.password) : undefined;
    const now = this.clock.now();
    try {
      await inTransaction(this.db, async (tx) => {
        const demotingAdmin = row.role === 'admin' && ((input.role !== undefined && input.role !== 'admin') || input.active === false);
        if (demotingAdmin) {
          const admins = await listUsers(tx, { limit: 2, role: 'admin', active: true });
          if (admins.length <= 1) throw conflict('This is the last active administrator; make another user an administrator first.');
        }
        await updateUser(tx, id, {
          ...(input.name !== undefined && { name: input.name.trim() }),
          ...(input.email !== undefined && { email: input.email.trim().toLowerCase() }),
          ...(input.role !== undefined && { role: input.role }),
          ...(input.locale !== undefined && { locale: input.locale }),
          ...(input.timeZone !== undefined && { time_zone: input.timeZone }),
          ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
          ...(passwordHash !== undefined && { password_hash: passwordHash }),
          updated_at: now,
        });
        if (input.role !== undefined && input.role !== row.role) {
          await this.audit.record(tx, { actorId: actor.userId, action: 'user.role_changed', targetType: 'user', targetId: id, ip, data: { from: row.role, to: input.role } });
        }
        if (input.active === false && row.active === 1) {
          await this.audit.record(tx, { actorId: actor.userId, action: 'user.deactivated', targetType: 'user', targetId: id, ip });
          // A deactivated user's sessions and tokens stop working at once, and their live streams close.
          await this.events.sessionsEnded(tx, await endSessions(tx, id));
          await revokeTokensOf(tx, id, now);
          await this.events.userDeactivated(tx, id);
        }
        if (passwordHash !== undefined) {
          // Every other session of the user ends (whoever knew the old password is signed out);
          // the caller's own session stays when they changed their own password.
          const ended = await endSessions(tx, id, isSelf ? actor.sessionId : undefined);
          await this.events.sessionsEnded(tx, ended);
          const tokensRevoked = input.revokeTokens ? await revokeTokensOf(tx, id, now) : 0;
          await this.audit.record(tx, {
            actorId: actor.userId,
            action: 'user.password_changed',
            targetType: 'user',
            targetId: id,
            ip,
            data: { by: isSelf ? 'self' : 'administrator', sessionsEnded: ended.length, tokensRevoked },
          });
        }
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('That email address is already in use.', { problems: [{ field: 'email', message: 'is already in use', code: 'email_in_use' }] });
      throw err;
    }
    return this.get(id);
  }

  /**
   * Who may set someone's availability and delegate: the person, a manager of one of their
   * teams, an administrator. Not a supervisor: whoever becomes the delegate receives the
   * person's escalations (and could acknowledge them in the person's place).
   */
  private async mayManageAvailability(actor: Principal, id: string): Promise<boolean> {
    if (actor.userId === id || can(actor.role, 'users.manage')) return true;
    const shared = await sharedTeamRoles(this.db, actor.userId, id);
    return shared.some((membershipRole) => membershipRole === 'manager' || actor.role === 'manager');
  }

  async setAvailability(actor: Principal, id: string, input: AvailabilityInput, ip?: string): Promise<UserView> {
    const row = await findUserById(this.db, id);
    if (!(await this.mayManageAvailability(actor, id))) {
      throw forbidden("Only the person, a manager of one of their teams or an administrator can change someone's availability or delegate.");
    }
    if (!row) throw notFound('User', id);
    const problems: FieldProblem[] = [];
    if (input.status && input.availability && input.status !== input.availability)
      problems.push({ field: 'status', message: 'status and availability disagree; send one of them', code: 'status_conflict' });
    const patch: Updateable<UsersTable> = { updated_at: this.clock.now() };
    const status = input.status ?? input.availability;
    if (status) patch.availability = status;
    const delegates = new Set<string>();
    if (input.delegateUserId !== undefined) {
      if (input.delegateUserId === id) problems.push({ field: 'delegateUserId', message: 'a user cannot be their own delegate', code: 'delegate_self' });
      else if (input.delegateUserId) delegates.add(input.delegateUserId);
      patch.delegate_user_id = input.delegateUserId;
    }
    if (input.outOfOffice) {
      const windows: StoredOutOfOffice[] = input.outOfOffice.map((w, i) => {
        const startMs = Date.parse(w.start);
        const endMs = Date.parse(w.end);
        if (!(endMs > startMs)) problems.push({ field: `outOfOffice[${i}].end`, message: 'must be after start', code: 'window_end_before_start' });
        const delegateUserId = w.delegateUserId ?? null;
        if (delegateUserId === id) problems.push({ field: `outOfOffice[${i}].delegateUserId`, message: 'a user cannot be their own delegate', code: 'delegate_self' });
        else if (delegateUserId) delegates.add(delegateUserId);
        return { startMs, endMs, delegateUserId };
      });
      patch.out_of_office = JSON.stringify(windows);
    }
    for (const d of delegates) {
      const u = await findUserById(this.db, d);
      if (!u) problems.push({ field: 'delegateUserId', message: `user ${d} does not exist`, code: 'unknown_user' });
      else if (u.active !== 1) problems.push({ field: 'delegateUserId', message: `user ${d} is deactivated`, code: 'user_deactivated' });
    }
    if (problems.length) throw invalid(problems);
    const before = presentUser(row);
    await inTransaction(this.db, async (tx) => {
      await updateUser(tx, id, patch);
      const after = presentUser((await findUserById(tx, id))!);
      const pick = (u: UserView) => ({ availability: u.availability, outOfOffice: u.outOfOffice, delegateUserId: u.delegateUserId });
      await this.audit.record(tx, { actorId: actor.userId, action: 'user.availability_changed', targetType: 'user', targetId: id, ip, data: { before: pick(before), after: pick(after) } });
      // Someone else changed it: the person hears of it (in-app, their language).
      if (actor.userId !== id) {
        const now = this.clock.now();
        await enqueueJob(
          tx,
          {
            kind: NOTIFY_JOB,
            dedupeKey: `notify:availability:${id}:${newId()}`,
            dueAt: now,
            maxAttempts: 5,
            payload: {
              event: AVAILABILITY_CHANGED_EVENT,
              recipients: { userIds: [id] },
              data: {
                actorId: actor.userId,
                actorName: actor.name,
                before: { ...pick(before), delegateName: await this.nameOf(tx, before.delegateUserId) },
                after: { ...pick(after), delegateName: await this.nameOf(tx, after.delegateUserId) },
              },
            },
          },
          now,
        );
      }
    });
    return this.get(id);
  }

  private async nameOf(ex: Executor, id: string | null): Promise<string | null> {
    return id ? ((await findUserById(ex, id))?.name ?? null) : null;
  }

  findByEmail(email: string) {
    return findUserByEmail(this.db, email);
  }

  count(): Promise<number> {
    return countUsers(this.db);
  }
}

