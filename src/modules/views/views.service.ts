/**
 * Saved views (issue 15 §2): personal ones for everyone, shared ones written by supervisors and
 * above (audited); counts per view through the tickets list's own query and visibility.
 */
import type { Db } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { forbidden, invalid, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { AuditActor, AuditService } from '../audit/index.js';
import { can } from '../auth/auth.policy.js';
import type { Principal } from '../auth/index.js';
import { ticketFilterOf, type TicketsService } from '../tickets/index.js';
import { presentView, type SavedView } from './views.presenter.js';
import * as repo from './views.repository.js';
import { VIEW_COUNT_CAP, type ViewScope } from './views.types.js';

export interface ViewInput {
  name?: string;
  filters?: SavedView['filters'];
  sort?: SavedView['sort'];
  columns?: SavedView['columns'];
  scope?: ViewScope;
}

const mayShare = (p: Principal) => can(p.role, 'escalations.supervise');

export class ViewsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly tickets: TicketsService,
    private readonly audit: AuditService,
    private readonly teamIdsOfUser: (userId: string) => Promise<string[]>,
  ) {}

  async list(viewer: Principal): Promise<SavedView[]> {
    return (await repo.listViews(this.db, viewer.userId)).map(presentView);
  }

  private async find(viewer: Principal, id: string, ex = this.db) {
    const r = await repo.findView(ex, id);
    if (!r || (r.scope === 'personal' && r.owner_id !== viewer.userId)) throw notFound('View', id);
    return r;
  }

  async get(viewer: Principal, id: string): Promise<SavedView> {
    return presentView(await this.find(viewer, id));
  }

  async create(actor: Principal, input: ViewInput, audit: AuditActor | null): Promise<SavedView> {
    const scope = input.scope ?? 'personal';
    if (scope === 'shared' && !mayShare(actor)) throw forbidden('Only supervisors and above may save shared views; save it as a personal view instead.');
    const name = (input.name ?? '').trim();
    if (!name) throw invalid([{ field: 'name', message: 'give the view a name', code: 'empty' }]);
    const now = this.clock.now();
    const id = newId();
    return inTransaction(this.db, async (tx) => {
      await repo.insertView(tx, { id, name, filters: JSON.stringify(input.filters ?? {}), sort: input.sort ?? null, columns: JSON.stringify(input.columns ?? []), scope, owner_id: scope === 'personal' ? actor.userId : null, created_by: actor.userId, updated_by: actor.userId, created_at: now, updated_at: now });
      const view = presentView((await repo.findView(tx, id))!);
      if (scope === 'shared') await this.audit.change(tx, audit, 'view.created', { type: 'view', id }, null, view);
      return view;
    });
  }

  async update(actor: Principal, id: string, input: ViewInput, audit: AuditActor | null): Promise<SavedView> {
    return inTransaction(this.db, async (tx) => {
      const cur = await this.find(actor, id, tx);
      const scope = input.scope ?? (cur.scope as ViewScope);
      if ((cur.scope === 'shared' || scope === 'shared') && !mayShare(actor)) throw forbidden('Only supervisors and above may change shared views.');
      const name = input.name === undefined ? cur.name : input.name.trim();
      if (!name) throw invalid([{ field: 'name', message: 'give the view a name', code: 'empty' }]);
      const before = presentView(cur);
      await repo.updateView(tx, id, {
        name,
        filters: input.filters === undefined ? cur.filters : JSON.stringify(input.filters),
        sort: input.sort === undefined ? cur.sort : input.sort,
        columns: input.columns === undefined ? cur.columns : JSON.stringify(input.columns),
        scope,
        owner_id: scope === 'personal' ? (cur.owner_id ?? actor.userId) : null,
        updated_by: actor.userId,
        updated_at: this.clock.now(),
      });
      const after = presentView((await repo.findView(tx, id))!);
      if (cur.scope === 'shared' || scope === 'shared') await this.audit.change(tx, audit, 'view.updated', { type: 'view', id }, before, after);
      return after;
    });
  }

  async remove(actor: Principal, id: string, audit: AuditActor | null): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const cur = await this.find(actor, id, tx);
      if (cur.scope === 'shared' && !mayShare(actor)) throw forbidden('Only supervisors and above may delete shared views.');
      await repo.deleteView(tx, id);
      if (cur.scope === 'shared') await this.audit.change(tx, audit, 'view.deleted', { type: 'view', id }, presentView(cur), null);
    });
  }

  /** Per view, how many tickets the caller sees with its filters ("mine"/"me" meaning the caller). */
  async counts(viewer: Principal): Promise<{ id: string; count: number; more: boolean }[]> {
    const views = await this.list(viewer);
    const now = this.clock.now();
    const out: { id: string; count: number; more: boolean }[] = [];
    for (const v of views) {
      const n = await this.tickets.count(viewer, await ticketFilterOf(v.filters, viewer.userId, this.teamIdsOfUser, now), VIEW_COUNT_CAP);
      out.push({ id: v.id, count: Math.min(n, VIEW_COUNT_CAP), more: n > VIEW_COUNT_CAP });
    }
    return out;
  }
}
