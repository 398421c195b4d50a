import type { Db, Executor } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import type { Principal } from '../auth/index.js';
import { canEditCustomerIdentity, customerChanges } from './customers.policy.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/dialect.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, conflict, invalid, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, toPage } from '../../http/cursor.js';
import { presentCustomer, presentOrganization, type CustomerView, type OrganizationView, type TIERS } from './customers.presenter.js';
import * as repo from './customers.repository.js';

type Tier = (typeof TIERS)[number];

/** The keyset of a page ordered by name (an old id-only cursor starts from the top). */
const nameKey = (key: { v: unknown; id: string } | null) => (key && typeof key.v === 'string' ? { name: key.v, id: key.id } : undefined);

export interface CustomerInput {
  name?: string;
  email?: string | null;
  phone?: string | null;
  organizationId?: string | null;
  tier?: Tier;
  locale?: 'ja' | 'en';
}

const FK_ORGANIZATION = 'organizationId names an organization that does not exist.';

// The local part may be quoted (`"john doe"@example.com` is a valid RFC 5322 address).
const EMAIL_RE = /^(?:[^\s@<>()",;]+|"(?:[^"\\\r\n]|\\.)+")@[^\s@<>()",;]+$/;

/** Keeps the search index of customers and organizations in step (the search module, set by the container). */
export interface CustomerSearchIndex {
  /** `created`: the customer was inserted in this transaction. */
  customer(ex: Executor, id: string, created?: boolean): Promise<void>;
  organization(ex: Executor, id: string): Promise<void>;
}

export class CustomersService {
  private searchIndex: CustomerSearchIndex | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  setSearchIndex(index: CustomerSearchIndex): void {
    this.searchIndex = index;
  }

  async get(id: string, ex: Executor = this.db): Promise<CustomerView> {
    const c = await repo.findCustomer(ex, id);
    if (!c) throw notFound('Customer', id);
    const org = c.organization_id ? await repo.findOrganization(ex, c.organization_id) : undefined;
    return presentCustomer(c, org);
  }

  async list(opts: { limit: number; cursor?: string; q?: string; organizationId?: string; tier?: Tier }) {
    const after = nameKey(decodeCursor(opts.cursor));
    const rows = await repo.listCustomers(this.db, { limit: opts.limit, q: opts.q?.trim() || undefined, organizationId: opts.organizationId, tier: opts.tier, after });
    const page = toPage(rows, opts.limit, (r) => ({ v: r.name, id: r.id }));
    const orgs = await repo.findOrganizations(this.db, [...new Set(page.items.map((c) => c.organization_id).filter((x): x is string => !!x))]);
    const byId = new Map(orgs.map((o) => [o.id, o]));
    return { items: page.items.map((c) => presentCustomer(c, c.organization_id ? byId.get(c.organization_id) : undefined)), nextCursor: page.nextCursor };
  }

  async create(input: CustomerInput & { name: string }, ex: Executor = this.db): Promise<CustomerView> {
    return this.get(await this.insertNew(input, ex), ex);
  }

  /** Writes a new customer and its search document; its id. */
  private async insertNew(input: CustomerInput & { name: string }, ex: Executor): Promise<string> {
    this.check(input);
    const id = newId();
    const now = this.clock.now();
    await this.guard(() =>
      repo.insertCustomer(ex, {
        id,
        name: input.name.trim(),
        email: input.email ? input.email.trim().toLowerCase() : null,
        phone: input.phone ?? null,
        organization_id: input.organizationId ?? null,
        tier: input.tier ?? 'standard',
        locale: input.locale ?? 'ja',
        created_at: now,
        updated_at: now,
      }),
    );
    await this.searchIndex?.customer(ex, id, true);
    return id;
  }

  /** `findOrCreateByEmail`, also saying whether the address is marked bouncing (the email intake clears it). */
  async findOrCreateByEmailState(ex: Executor, email: string, name: string): Promise<{ id: string; emailBouncing: boolean }> {
    const existing = await repo.findCustomerByEmail(ex, email);
    if (existing) return { id: existing.id, emailBouncing: existing.email_bouncing_at !== null && existing.email_bouncing_at !== undefined };
    return { id: await this.insertNew({ name: name || email, email, locale: 'ja' }, ex), emailBouncing: false };
  }

  /** The customer with this email, created on first contact (intake channels use this). */
  async findOrCreateByEmail(ex: Executor, email: string, name: string, locale: 'ja' | 'en' = 'ja'): Promise<string> {
    const existing = await repo.findCustomerByEmail(ex, email);
    if (existing) return existing.id;
    return this.insertNew({ name: name || email, email, locale }, ex);
  }

  /**
   * A hard bounce (5.x.x) says mail to this address is refused: every customer with it is
   * marked bouncing (ids returned). Agents see it; automatic mail stops going to it.
   */
  async markEmailBouncing(ex: Executor, email: string, detail: { status: string | null; diagnostic: string | null }, now: number): Promise<string[]> {
    return (await repo.markEmailBouncing(ex, email, detail, now)).map((r) => r.id);
  }

  /** Mail from the customer's address arrived: the mailbox is in use again, so the mark goes. True when there was one. */
  async clearEmailBouncing(ex: Executor, customerId: string, now: number): Promise<boolean> {
    return Number((await repo.clearEmailBouncing(ex, customerId, now)).numUpdatedRows) > 0;
  }

  isEmailBouncing(ex: Executor, email: string): Promise<boolean> {
    return repo.isEmailBouncing(ex, email);
  }

  /**
   * Identity and tier (name, email, tier, organization) are changed by supervisors and above;
   * anyone who may write customers adds contact details (phone) and the language. Every change
   * is audited with the values before and after, in the transaction of the change.
   */
  async update(actor: Principal | null, id: string, input: CustomerInput, ip: string | null = null): Promise<CustomerView> {
    this.check(input);
    await this.guard(() =>
      inTransaction(this.db, async (tx) => {
        const current = await repo.findCustomer(tx, id);
        if (!current) throw notFound('Customer', id);
        const newEmail = input.email === undefined ? undefined : input.email ? input.email.trim().toLowerCase() : null;
        const patch = {
          ...(input.name !== undefined && { name: input.name.trim() }),
          ...(newEmail !== undefined && { email: newEmail }),
          ...(input.phone !== undefined && { phone: input.phone }),
          ...(input.organizationId !== undefined && { organization_id: input.organizationId }),
          ...(input.tier !== undefined && { tier: input.tier }),
          ...(input.locale !== undefined && { locale: input.locale }),
        };
        const changes = customerChanges(current, patch);
        if (changes.length === 0) return;
        const identity = changes.filter((c) => c.identity).map((c) => c.field);
        if (actor && identity.length && !canEditCustomerIdentity(actor.role))
          throw new AppError('forbidden', `Only supervisors, managers and administrators change a customer's ${identity.join(', ')}; you may add contact details.`, { reason: 'customer_identity', fields: identity });
        // A changed address has not bounced (yet): the mark belonged to the old one.
        const clearBounce = newEmail !== undefined && newEmail !== current.email ? { email_bouncing_at: null, email_bouncing_status: null, email_bouncing_diagnostic: null } : {};
        await repo.updateCustomer(tx, id, { ...patch, ...clearBounce, updated_at: this.clock.now() });
        await this.searchIndex?.customer(tx, id);
        await this.audit.record(tx, {
          actorId: actor?.userId ?? null,
          action: 'customer.updated',
          targetType: 'customer',
          targetId: id,
          ip,
          data: {
            before: Object.fromEntries(changes.map((c) => [c.field, c.from])),
            after: Object.fromEntries(changes.map((c) => [c.field, c.to])),
          },
        });
      }),
    );
    return this.get(id);
  }

  /** Managers and administrators delete a customer without tickets (audited with what was deleted). */
  async remove(id: string, actor: Principal | null = null, ip: string | null = null): Promise<void> {
    await this.guard(async () => {
      await inTransaction(this.db, async (tx) => {
        const current = await repo.findCustomer(tx, id);
        if (!current) throw notFound('Customer', id);
        await repo.deleteCustomer(tx, id);
        await this.searchIndex?.customer(tx, id);
        await this.audit.record(tx, { actorId: actor?.userId ?? null, action: 'customer.deleted', targetType: 'customer', targetId: id, ip, data: { before: { name: current.name, email: current.email, organization_id: current.organization_id, tier: current.tier }, after: null } });
      });
    }, 'The customer has tickets; their history must stay, so the customer cannot be deleted.');
  }

  async getOrganization(id: string): Promise<OrganizationView> {
    const o = await repo.findOrganization(this.db, id);
    if (!o) throw notFound('Organization', id);
    return presentOrganization(o, (await repo.customerCounts(this.db, [id])).get(id) ?? 0);
  }

  async listOrganizations(opts: { limit: number; cursor?: string; q?: string }) {
    const after = nameKey(decodeCursor(opts.cursor));
    const rows = await repo.listOrganizations(this.db, { limit: opts.limit, after, q: opts.q?.trim() || undefined });
    const page = toPage(rows, opts.limit, (r) => ({ v: r.name, id: r.id }));
    const counts = await repo.customerCounts(this.db, page.items.map((o) => o.id));
    return { items: page.items.map((o) => presentOrganization(o, counts.get(o.id) ?? 0)), nextCursor: page.nextCursor };
  }

  /** Anyone who writes customers adds an organization (audited): attaching customers to it is a supervisor's change. */
  async createOrganization(input: { name: string; tier?: Tier }, actor: Principal | null = null, ip: string | null = null): Promise<OrganizationView> {
    const name = input.name.trim();
    if (!name) throw invalid([{ field: 'name', message: 'must not be empty', code: 'empty' }]);
    const id = newId();
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      await repo.insertOrganization(tx, { id, name, tier: input.tier ?? 'standard', created_at: now, updated_at: now });
      await this.searchIndex?.organization(tx, id);
      await this.audit.record(tx, { actorId: actor?.userId ?? null, action: 'organization.created', targetType: 'organization', targetId: id, ip, data: { before: null, after: { name, tier: input.tier ?? 'standard' } } });
    });
    return this.getOrganization(id);
  }

  /** An organization's name and tier are its customers' identity and tier: supervisors and above change them, audited. */
  async updateOrganization(actor: Principal | null, id: string, input: { name?: string; tier?: Tier }, ip: string | null = null): Promise<OrganizationView> {
    await inTransaction(this.db, async (tx) => {
      const current = await repo.findOrganization(tx, id);
      if (!current) throw notFound('Organization', id);
      const changes = customerChanges(current, { ...(input.name !== undefined && { name: input.name.trim() }), ...(input.tier !== undefined && { tier: input.tier }) });
      if (changes.length === 0) return;
      if (actor && !canEditCustomerIdentity(actor.role))
        throw new AppError('forbidden', "Only supervisors, managers and administrators change an organization's name or tier.", { reason: 'customer_identity', fields: changes.map((c) => c.field) });
      await repo.updateOrganization(tx, id, { ...Object.fromEntries(changes.map((c) => [c.field, c.to])), updated_at: this.clock.now() });
      await this.searchIndex?.organization(tx, id);
      await this.audit.record(tx, {
        actorId: actor?.userId ?? null,
        action: 'organization.updated',
        targetType: 'organization',
        targetId: id,
        ip,
        data: { before: Object.fromEntries(changes.map((c) => [c.field, c.from])), after: Object.fromEntries(changes.map((c) => [c.field, c.to])) },
      });
    });
    return this.getOrganization(id);
  }

  async removeOrganization(id: string, actor: Principal | null = null, ip: string | null = null): Promise<void> {
    await this.guard(async () => {
      await inTransaction(this.db, async (tx) => {
        const current = await repo.findOrganization(tx, id);
        if (!current) throw notFound('Organization', id);
        await repo.deleteOrganization(tx, id);
        await this.searchIndex?.organization(tx, id);
        await this.audit.record(tx, { actorId: actor?.userId ?? null, action: 'organization.deleted', targetType: 'organization', targetId: id, ip, data: { before: { name: current.name, tier: current.tier }, after: null } });
      });
    }, 'The organization still has customers; move them first.');
  }

  private check(input: CustomerInput) {
    if (input.name !== undefined && input.name.trim() === '') throw invalid([{ field: 'name', message: 'must not be empty', code: 'empty' }]);
    if (input.email && !EMAIL_RE.test(input.email.trim())) throw invalid([{ field: 'email', message: 'is not a valid email address', code: 'invalid_email' }]);
  }

  private async guard<T>(fn: () => Promise<T>, fkMessage = FK_ORGANIZATION): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('A customer with that email already exists.', { problems: [{ field: 'email', message: 'is already in use', code: 'email_in_use' }] });
      if (isForeignKeyViolation(err)) {
        // Only a customer's organizationId can name a missing row; deletes fail on rows that refer to them.
        if (fkMessage === FK_ORGANIZATION) throw invalid([{ field: 'organizationId', message: 'names an organization that does not exist', code: 'unknown_organization' }]);
        throw conflict(fkMessage);
      }
      throw err;
    }
  }
}
