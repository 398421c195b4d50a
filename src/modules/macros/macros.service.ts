/**
 * Macros (issue 15 §2): canned replies in Japanese and English with placeholders, rendered by
 * the notification template engine (same escaping rules; {{{…}}} of people's text refused),
 * and optional field changes made through the tickets service so the timeline records them.
 */
import type { Db, Executor } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { forbidden, invalid, notFound, type FieldProblem } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { AuditActor, AuditService } from '../audit/index.js';
import { can } from '../auth/auth.policy.js';
import type { Principal } from '../auth/index.js';
import { compileTemplate } from '../notifications/index.js';
import { bulkPatch, type TicketsService } from '../tickets/index.js';
import { macroLanguage, macroProblems } from './macros.policy.js';
import { presentMacro, type AppliedMacroView, type MacroView } from './macros.presenter.js';
import * as repo from './macros.repository.js';
import type { MacroChanges, MacroInput, MacroLanguage } from './macros.types.js';

const mayShare = (p: Principal) => can(p.role, 'escalations.supervise');

export class MacrosService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly tickets: TicketsService,
    private readonly audit: AuditService,
  ) {}

  async list(viewer: Principal, f: { q?: string; scope?: string; limit: number }): Promise<MacroView[]> {
    return (await repo.listMacros(this.db, viewer.userId, f)).map(presentMacro);
  }

  async get(viewer: Principal, id: string, ex: Executor = this.db) {
    const r = await repo.findMacro(ex, id);
    // Another agent's personal macro is answered as missing, like an invisible ticket.
    if (!r || (r.scope === 'personal' && r.owner_id !== viewer.userId)) throw notFound('Macro', id);
    return r;
  }

  async create(actor: Principal, input: MacroInput, audit: AuditActor | null): Promise<MacroView> {
    const scope = input.scope ?? 'personal';
    if (scope === 'shared' && !mayShare(actor)) throw forbidden('Only supervisors and above may write shared macros; save it as a personal macro instead.');
    const now = this.clock.now();
    const row = {
      id: newId(),
      name: (input.name ?? '').trim(),
      body_ja: input.bodyJa ?? '',
      body_en: input.bodyEn ?? '',
      changes: JSON.stringify(input.changes ?? {}),
      scope,
      owner_id: scope === 'personal' ? actor.userId : null,
      created_by: actor.userId,
      updated_by: actor.userId,
      created_at: now,
      updated_at: now,
    };
    return inTransaction(this.db, async (tx) => {
      await this.check(tx, { name: row.name, bodyJa: row.body_ja, bodyEn: row.body_en }, input.changes);
      await repo.insertMacro(tx, row);
      const view = presentMacro((await repo.findMacro(tx, row.id))!);
      if (scope === 'shared') await this.audit.change(tx, audit, 'macro.created', { type: 'macro', id: row.id }, null, view);
      return view;
    });
  }

  async update(actor: Principal, id: string, input: MacroInput, audit: AuditActor | null): Promise<MacroView> {
    return inTransaction(this.db, async (tx) => {
      const cur = await this.get(actor, id, tx);
      const scope = input.scope ?? (cur.scope as 'personal' | 'shared');
      if ((cur.scope === 'shared' || scope === 'shared') && !mayShare(actor)) throw forbidden('Only supervisors and above may change shared macros; copy it into a personal macro instead.');
      const before = presentMacro(cur);
      const next = {
        name: input.name === undefined ? cur.name : input.name.trim(),
        body_ja: input.bodyJa ?? cur.body_ja,
        body_en: input.bodyEn ?? cur.body_en,
        changes: input.changes === undefined ? cur.changes : JSON.stringify(input.changes),
        scope,
        owner_id: scope === 'personal' ? (cur.owner_id ?? actor.userId) : null,
        updated_by: actor.userId,
        updated_at: this.clock.now(),
      };
      await this.check(tx, { name: next.name, bodyJa: next.body_ja, bodyEn: next.body_en }, input.changes);
      await repo.updateMacro(tx, id, next);
      const after = presentMacro((await repo.findMacro(tx, id))!);
      if (cur.scope === 'shared' || scope === 'shared') await this.audit.change(tx, audit, 'macro.updated', { type: 'macro', id }, before, after);
      return after;
    });
  }

  async remove(actor: Principal, id: string, audit: AuditActor | null): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const cur = await this.get(actor, id, tx);
      if (cur.scope === 'shared' && !mayShare(actor)) throw forbidden('Only supervisors and above may delete shared macros.');
      await repo.deleteMacro(tx, id);
      if (cur.scope === 'shared') await this.audit.change(tx, audit, 'macro.deleted', { type: 'macro', id }, presentMacro(cur), null);
    });
  }

  /**
   * The macro's text for a ticket, in the requester's language (or the one asked; the other one
   * when the macro has no text in it), and its field changes; with `applyChanges` the changes are
   * made now through the tickets service (one timeline event per changed field).
   */
  async apply(actor: Principal, id: string, input: { ticketId: string; language?: MacroLanguage; applyChanges?: boolean }): Promise<AppliedMacroView> {
    const apply = input.applyChanges === true;
    if (apply) await this.tickets.access.assertWrite(actor, input.ticketId);
    else await this.tickets.access.assertRead(actor, input.ticketId);
    const m = await this.get(actor, id);
    let ticket = await this.tickets.load(this.db, input.ticketId);
    const customer = ticket.requesterId ? await repo.customerOf(this.db, ticket.requesterId) : undefined;
    const language = macroLanguage({ bodyJa: m.body_ja, bodyEn: m.body_en }, input.language, customer?.locale);
    const source = language === 'ja' ? m.body_ja : m.body_en;
    const context = {
      customer: { name: customer?.name ?? '' },
      ticket: { number: ticket.number, subject: ticket.subject },
      agent: { name: (await repo.userName(this.db, actor.userId)) || actor.name },
    };
    const field = language === 'ja' ? 'bodyJa' : 'bodyEn';
    const html = compileTemplate(source, 'html', field)(context);
    const text = compileTemplate(source, 'text', field)(context);
    const changes = JSON.parse(m.changes) as MacroChanges;
    if (apply) {
      const patch = bulkPatch(ticket, changes as Parameters<typeof bulkPatch>[1]);
      if (Object.keys(patch).length) {
        await this.tickets.update(actor, ticket.id, patch, { eventData: { macroId: m.id } });
        ticket = await this.tickets.load(this.db, ticket.id);
      }
    }
    return { macroId: m.id, ticketId: ticket.id, language, text, html, changes: changes as AppliedMacroView['changes'], applied: apply, ticketVersion: ticket.version };
  }

  /** Names, placeholders, template syntax (as the template editor: html mode) and the team. */
  private async check(ex: Executor, m: { name: string; bodyJa: string; bodyEn: string }, changes: MacroChanges | undefined): Promise<void> {
    const problems: FieldProblem[] = macroProblems(m);
    if (problems.length) throw invalid(problems);
    compileTemplate(m.bodyJa, 'html', 'bodyJa');
    compileTemplate(m.bodyEn, 'html', 'bodyEn');
    if (changes?.teamId && !(await repo.teamExists(ex, changes.teamId))) throw invalid([{ field: 'changes.teamId', message: `team ${changes.teamId} does not exist`, code: 'unknown_team' }]);
  }
}
