import type { Db, Executor } from '../../db/database.js';
import { inTransaction, json } from '../../db/database.js';
import { isUniqueViolation } from '../../db/dialect.js';
import type { Clock } from '../../lib/clock.js';
import { conflict, invalid, notFound, type FieldProblem } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { AuditActor, AuditService } from '../audit/index.js';
import type { CalendarsService } from '../calendars/index.js';
import { TEMPERATURES } from '../tickets/index.js';
import { presentPolicy, toPolicy } from './sla.presenter.js';
import * as repo from './sla.repository.js';
import type {
  CreateSlaPolicy,
  SlaActions,
  SlaPolicyView,
  SlaTargets,
  UpdateSlaPolicy,
} from './sla.schema.js';
import type { SlaPolicy } from './sla.types.js';

export const DEFAULT_PAUSE_STATUSES = ['pending', 'on_hold'];

/** SLA policy administration. Edits never move running clocks: tickets keep their snapshot. */
export class SlaPoliciesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly calendars: CalendarsService,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<SlaPolicyView[]> {
    return (await repo.listPolicies(this.db)).map(presentPolicy);
  }

  async get(id: string, ex: Executor = this.db): Promise<SlaPolicyView> {
    const r = await repo.findPolicy(ex, id);
    if (!r) throw notFound('SLA policy', id);
    return presentPolicy(r);
  }

  /**
   * The active policies in order, parsed once per change of the table (every ticket's creation
   * asks): a change on any node adds, removes or versions a row, which the stamp query sees.
   * The returned list is shared: read it, never change it.
   */
  async active(ex: Executor): Promise<readonly SlaPolicy[]> {
    const stamp = await repo.policiesStamp(ex);
    if (this.cached?.stamp !== stamp)
      this.cached = { stamp, policies: (await repo.listPolicies(ex, { activeOnly: true })).map(toPolicy) };
    return this.cached.policies;
  }
  private cached: { stamp: string; policies: readonly SlaPolicy[] } | null = null;

  async create(input: CreateSlaPolicy, actor?: AuditActor | null): Promise<SlaPolicyView> {
    const id = newId();
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      await this.check(tx, input.targets, input.actions);
      const position = input.position ?? (await repo.maxPosition(tx)) + 1;
      await this.guard(() =>
        repo.insertPolicy(tx, {
          id,
          name: input.name.trim(),
          position,
          active: input.active === false ? 0 : 1,
          conditions: json(input.conditions ?? {}),
          targets: json(input.targets),
          pause_statuses: JSON.stringify(input.pauseStatuses ?? DEFAULT_PAUSE_STATUSES),
          warnings: json(input.warnings ?? {}),
          actions: json(input.actions ?? {}),
          version: 1,
          created_at: now,
          updated_at: now,
        }),
      );
      await this.audit.change(tx, actor, 'sla_policy.created', { type: 'sla_policy', id }, null, await this.get(id, tx));
    });
    return this.get(id);
  }

  async update(id: string, input: UpdateSlaPolicy, actor?: AuditActor | null): Promise<SlaPolicyView> {
    await inTransaction(this.db, async (tx) => {
      const before = await repo.findPolicy(tx, id);
      if (!before) throw notFound('SLA policy', id);
      const beforeView = await this.get(id, tx);
      await this.check(tx, input.targets, input.actions);
      await this.guard(() =>
        repo.updatePolicy(tx, id, {
          ...(input.name !== undefined && { name: input.name.trim() }),
          ...(input.position !== undefined && { position: input.position }),
          ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
          ...(input.conditions !== undefined && { conditions: json(input.conditions) }),
          ...(input.targets !== undefined && { targets: json(input.targets) }),
          ...(input.pauseStatuses !== undefined && { pause_statuses: JSON.stringify(input.pauseStatuses) }),
          ...(input.warnings !== undefined && { warnings: json(input.warnings) }),
          ...(input.actions !== undefined && { actions: json(input.actions) }),
          version: Number(before.version) + 1,
          updated_at: this.clock.now(),
        }),
      );
      await this.audit.change(tx, actor, 'sla_policy.updated', { type: 'sla_policy', id }, beforeView, await this.get(id, tx));
    });
    return this.get(id);
  }

  /** Tickets that had this policy keep their snapshot (and their clocks) after it is deleted. */
  async remove(id: string, actor?: AuditActor | null): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const before = await this.get(id, tx);
      await repo.deletePolicy(tx, id);
      await this.audit.change(tx, actor, 'sla_policy.deleted', { type: 'sla_policy', id }, before, null);
    });
  }

  /** Names of the policies whose targets use a calendar (deleting it is then refused). */
  async policiesUsingCalendar(ex: Executor, calendarId: string): Promise<string[]> {
    const all = (await repo.listPolicies(ex)).map(toPolicy);
    return all.filter((p) => calendarIdsOf(p.targets).includes(calendarId)).map((p) => p.name);
  }

  private async check(
    ex: Executor,
    targets: SlaTargets | undefined,
    actions: SlaActions | undefined,
  ): Promise<void> {
    const problems: FieldProblem[] = [];
    if (targets) {
      const ids = calendarIdsOf(targets);
      const found = await this.calendars.definitions(ex, ids);
      for (const [priority, t] of Object.entries(targets)) {
        for (const [kind, target] of Object.entries(t ?? {})) {
          const calId = (target as { calendarId: string | null }).calendarId;
          if (calId && !found.has(calId))
            problems.push({
              field: `targets.${priority}.${kind}.calendarId`,
              message: `calendar ${calId} does not exist`, code: 'unknown_calendar',
            });
        }
      }
    }
    for (const when of ['onWarning', 'onBreach'] as const) {
      (actions?.[when] ?? []).forEach((a, i) => {
        if (
          a.type === 'set_field' &&
          a.field === 'temperature' &&
          !(TEMPERATURES as readonly (string | null)[]).includes(a.value)
        ) {
          problems.push({
            field: `actions.${when}[${i}].value`,
            message: `temperature must be one of ${TEMPERATURES.join(', ')}`, code: 'unknown_temperature',
          });
        }
      });
    }
    if (problems.length) throw invalid(problems);
  }

  private async guard(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('An SLA policy with that name already exists.');
      throw err;
    }
  }
}

export const calendarIdsOf = (targets: SlaTargets): string[] =>
  Object.values(targets).flatMap((t) =>
    Object.values(t ?? {})
      .map((x) => (x as { calendarId: string | null }).calendarId)
      .filter((x): x is string => !!x),
  );
