import type { Db } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import { isUniqueViolation } from '../../db/dialect.js';
import type { Clock } from '../../lib/clock.js';
import { conflict, forbidden, invalid, notFound, type FieldProblem } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { isValidTimeZone } from '../../lib/timezone.js';
import { decodeCursor, toPage } from '../../http/cursor.js';
import type { AuditService } from '../audit/index.js';
import { can, passwordProblems } from '../auth/auth.policy.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import type { Locale, Principal, Role } from '../auth/auth.types.js';
import type { Updateable } from 'kysely';
import type { UsersTable } from '../../db/schema.js';
import { presentUser, type StoredOutOfOffice, type UserView } from './users.presenter.js';
import { countUsers, findUserByEmail, findUserById, insertUser, listUsers, updateUser } from './users.repository.js';
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
  active?: boolean;
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
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Principal | null, input: CreateUserInput, ip?: string): Promise<UserView> {
    const problems: FieldProblem[] = [];
    const email = input.email.trim().toLowerCase();
    if (!EMAIL_RE.test(email)) problems.push({ field: 'email', message: 'is not a valid email address' });
    if (input.name.trim() === '') problems.push({ field: 'name', message: 'must not be empty' });
    if (input.timeZone !== undefined && !isValidTimeZone(input.timeZone)) {
      problems.push({ field: 'timeZone', message: `"${input.timeZone}" is not an IANA time zone (e.g. Asia/Tokyo)` });
    }
    if (input.password !== undefined) for (const m of passwordProblems(input.password)) problems.push({ field: 'password', message: m });
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
      if (isUniqueViolation(err)) throw conflict(`A user with email ${email} already exists.`, { problems: [{ field: 'email', message: 'is already in use' }] });
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
    if (input.name !== undefined && input.name.trim() === '') problems.push({ field: 'name', message: 'must not be empty' });
    if (input.email !== undefined && !EMAIL_RE.test(input.email.trim())) problems.push({ field: 'email', message: 'is not a valid email address' });
    if (input.timeZone !== undefined && !isValidTimeZone(input.timeZone)) {
      problems.push({ field: 'timeZone', message: `"${input.timeZone}" is not an IANA time zone (e.g. Asia/Tokyo)` });
    }
    if (input.password !== undefined) for (const m of passwordProblems(input.password)) problems.push({ field: 'password', message: m });
    if (problems.length) throw invalid(problems);

    const row = await findUserById(this.db, id);
    if (!row) throw notFound('User', id);
    if (input.password !== undefined && isSelf && !isAdmin) {
      if (!row.password_hash || !input.currentPassword || !(await verifyPassword(row.password_hash, input.currentPassword))) {
        throw invalid([{ field: 'currentPassword', message: 'is required and must match your current password' }]);
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
          // A deactivated user's sessions and tokens stop working at once.
          await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
          await tx.updateTable('api_tokens').set({ revoked_at: now }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
        }
        if (passwordHash !== undefined) {
          await this.audit.record(tx, { actorId: actor.userId, action: 'user.password_changed', targetType: 'user', targetId: id, ip });
        }
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('That email address is already in use.', { problems: [{ field: 'email', message: 'is already in use' }] });
      throw err;
    }
    return this.get(id);
  }

  async setAvailability(actor: Principal, id: string, input: AvailabilityInput): Promise<UserView> {
    if (actor.userId !== id && !can(actor.role, 'escalations.supervise')) {
      throw forbidden('Only the user, a supervisor or an administrator can change availability.');
    }
    const row = await findUserById(this.db, id);
    if (!row) throw notFound('User', id);
    const problems: FieldProblem[] = [];
    if (input.status && input.availability && input.status !== input.availability)
      problems.push({ field: 'status', message: 'status and availability disagree; send one of them' });
    const patch: Updateable<UsersTable> = { updated_at: this.clock.now() };
    const status = input.status ?? input.availability;
    if (status) patch.availability = status;
    const delegates = new Set<string>();
    if (input.delegateUserId !== undefined) {
      if (input.delegateUserId === id) problems.push({ field: 'delegateUserId', message: 'a user cannot be their own delegate' });
      else if (input.delegateUserId) delegates.add(input.delegateUserId);
      patch.delegate_user_id = input.delegateUserId;
    }
    if (input.outOfOffice) {
      const windows: StoredOutOfOffice[] = input.outOfOffice.map((w, i) => {
        const startMs = Date.parse(w.start);
        const endMs = Date.parse(w.end);
        if (!(endMs > startMs)) problems.push({ field: `outOfOffice[${i}].end`, message: 'must be after start' });
        const delegateUserId = w.delegateUserId ?? null;
        if (delegateUserId === id) problems.push({ field: `outOfOffice[${i}].delegateUserId`, message: 'a user cannot be their own delegate' });
        else if (delegateUserId) delegates.add(delegateUserId);
        return { startMs, endMs, delegateUserId };
      });
      patch.out_of_office = JSON.stringify(windows);
    }
    for (const d of delegates) {
      const u = await findUserById(this.db, d);
      if (!u) problems.push({ field: 'delegateUserId', message: `user ${d} does not exist` });
      else if (u.active !== 1) problems.push({ field: 'delegateUserId', message: `user ${d} is deactivated` });
    }
    if (problems.length) throw invalid(problems);
    await updateUser(this.db, id, patch);
    return this.get(id);
  }

  findByEmail(email: string) {
    return findUserByEmail(this.db, email);
  }

  count(): Promise<number> {
    return countUsers(this.db);
  }
}

