import type { Db, Executor, Tx } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import { ChangeSignal } from '../../db/change-signal.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/dialect.js';
import type { Clock } from '../../lib/clock.js';
import { conflict, invalid, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { AuditActor, AuditService } from '../audit/index.js';
import { presentService, type ServiceView } from './services.presenter.js';
import * as repo from './services.repository.js';
import type { ServiceInput, ServiceStatus } from './services.types.js';

/** The catalogue of services customers use; incidents name the ones they affect. */
export class ServicesService {
  /** Moves after every committed change of a service or an incident (the status page caches by it). */
  readonly changes = new ChangeSignal();
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async list(ex: Executor = this.db): Promise<ServiceView[]> {
    return (await repo.listServices(ex)).map(presentService);
  }

  async get(id: string, ex: Executor = this.db): Promise<ServiceView> {
    const s = await repo.findService(ex, id);
    if (!s) throw notFound('Service', id);
    return presentService(s);
  }

  async create(input: ServiceInput & { nameJa: string; nameEn: string }, actor: AuditActor | null): Promise<ServiceView> {
    const id = newId();
    const now = this.clock.now();
    await this.write(async (tx) => {
      await repo.insertService(tx, {
        id,
        name_ja: input.nameJa.trim(),
        name_en: input.nameEn.trim(),
        description_ja: input.descriptionJa ?? '',
        description_en: input.descriptionEn ?? '',
        owner_team_id: input.ownerTeamId ?? null,
        status: input.status ?? 'operational',
        position: input.position ?? 0,
        created_at: now,
        updated_at: now,
      });
      await this.audit.change(tx, actor, 'service.created', { type: 'service', id }, null, await this.get(id, tx));
    });
    return this.get(id);
  }

  async update(id: string, input: ServiceInput, actor: AuditActor | null): Promise<ServiceView> {
    await this.write(async (tx) => {
      const before = await this.get(id, tx);
      await repo.updateService(tx, id, {
        ...(input.nameJa !== undefined && { name_ja: input.nameJa.trim() }),
        ...(input.nameEn !== undefined && { name_en: input.nameEn.trim() }),
        ...(input.descriptionJa !== undefined && { description_ja: input.descriptionJa }),
        ...(input.descriptionEn !== undefined && { description_en: input.descriptionEn }),
        ...(input.ownerTeamId !== undefined && { owner_team_id: input.ownerTeamId }),
        ...(input.status !== undefined && { status: input.status }),
        ...(input.position !== undefined && { position: input.position }),
        updated_at: this.clock.now(),
      });
      await this.audit.change(tx, actor, 'service.updated', { type: 'service', id }, before, await this.get(id, tx));
    });
    return this.get(id);
  }

  async remove(id: string, actor: AuditActor | null): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const before = await this.get(id, tx);
      if (await repo.serviceInUse(tx, id)) throw conflict('The service is named by incidents; it stays in their history. Rename it instead.', { problems: [{ field: 'id', message: 'is named by incidents', code: 'service_in_use' }] });
      await repo.deleteService(tx, id);
      this.changes.touch(tx);
      await this.audit.change(tx, actor, 'service.deleted', { type: 'service', id }, before, null);
    });
  }

  /** Sets a service's status inside the caller's transaction (incidents declare and resolve). */
  async setStatusIn(tx: Tx, id: string, status: ServiceStatus, now: number): Promise<void> {
    await repo.updateService(tx, id, { status, updated_at: now });
    this.changes.touch(tx);
  }

  /** The services with these ids (unknown ids are left out). */
  findMany(ex: Executor, ids: string[]) {
    return repo.findServices(ex, ids);
  }

  private async write(fn: (tx: Tx) => Promise<void>): Promise<void> {
    try {
      await inTransaction(this.db, async (tx) => {
        await fn(tx);
        this.changes.touch(tx);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('A service with that English name already exists.', { problems: [{ field: 'nameEn', message: 'is already in use', code: 'name_in_use' }] });
      if (isForeignKeyViolation(err)) throw invalid([{ field: 'ownerTeamId', message: 'names a team that does not exist', code: 'unknown_team' }]);
      throw err;
    }
  }
}
