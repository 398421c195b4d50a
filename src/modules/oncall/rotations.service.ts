/** On-call rotations: ordered members, shifts, hand-off time and zone, temporary overrides. */
import type { Db, Executor } from '../../db/database.js';
import { inTransaction, json } from '../../db/database.js';
import type { AuditActor, AuditService } from '../audit/index.js';
import type { Clock } from '../../lib/clock.js';
import { conflict, invalid, notFound, type FieldProblem } from '../../lib/errors.js';
import { iso } from '../../http/schemas.js';
import { newId } from '../../lib/ids.js';
import { isValidTimeZone } from '../../lib/timezone.js';
import { listPaths } from '../paths/index.js';
import * as repo from './oncall.repository.js';
import { presentRotation, type RotationView } from './oncall.presenter.js';
import { nextHandoffs, whoIsOnCall } from './rotation.policy.js';
import type { Rotation } from './oncall.types.js';

/** A rotation as clients write it: overrides as ISO instants. */
export interface RotationInput {
  name: string;
  members: string[];
  shift: Rotation['shift'];
  handoffTime: string;
  timeZone: string;
  startDate: string;
  teamId: string | null;
  overrides?: OverrideInput[];
}
export interface OverrideInput {
  userId: string;
  start: string;
  end: string;
}

export class RotationsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit?: AuditService,
  ) {}

  async list(): Promise<{ items: RotationView[] }> {
    return { items: (await repo.listRotations(this.db)).map(presentRotation) };
  }

  async get(id: string): Promise<RotationView> {
    return presentRotation(await this.load(this.db, id));
  }

  private async load(ex: Executor, id: string) {
    const row = await repo.findRotation(ex, id);
    if (!row) throw notFound('Rotation', id);
    return row;
  }

  async create(input: RotationInput, actor?: AuditActor | null): Promise<RotationView> {
    const now = this.clock.now();
    const id = newId();
    await inTransaction(this.db, async (tx) => {
      const def = await this.checked(tx, input);
      await repo.insertRotation(tx, { id, name: input.name.trim(), definition: json(def), created_at: now, updated_at: now });
      await this.audit?.change(tx, actor, 'rotation.created', { type: 'rotation', id }, null, presentRotation(await this.load(tx, id)));
    });
    return this.get(id);
  }

  async update(id: string, input: RotationInput, actor?: AuditActor | null): Promise<RotationView> {
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      const row = await this.load(tx, id);
      const current = repo.rotationOf(row);
      const def = await this.checked(tx, { ...input, overrides: input.overrides ?? current.overrides.map(toInput) });
      await repo.updateRotation(tx, id, { name: input.name.trim(), definition: json(def), updated_at: now });
      await this.audit?.change(tx, actor, 'rotation.updated', { type: 'rotation', id }, presentRotation(row), presentRotation(await this.load(tx, id)));
    });
    return this.get(id);
  }

  async remove(id: string, actor?: AuditActor | null): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const before = await this.load(tx, id);
      // Paths reference rotations inside their JSON definition; refuse rather than strand them.
      const used = (await listPaths(tx)).filter((p) => p.definition.includes(`"rotationId":"${id}"`)).map((p) => p.name);
      if (used.length) throw conflict(`The rotation is used by escalation paths (${used.join(', ')}); remove it from them first.`, { paths: used });
      await repo.deleteRotation(tx, id);
      await this.audit?.change(tx, actor, 'rotation.deleted', { type: 'rotation', id }, presentRotation(before), null);
    });
  }

  async addOverride(id: string, input: OverrideInput, actor?: AuditActor | null): Promise<RotationView> {
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      const row = await this.load(tx, id);
      const r = repo.rotationOf(row);
      const def = await this.checked(tx, { ...r, overrides: [...r.overrides.map(toInput), input] });
      await repo.updateRotation(tx, id, { definition: json(def), updated_at: now });
      await this.audit?.change(tx, actor, 'rotation.override_added', { type: 'rotation', id }, presentRotation(row), presentRotation(await this.load(tx, id)));
    });
    return this.get(id);
  }

  async removeOverride(id: string, index: number, actor?: AuditActor | null): Promise<RotationView> {
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      const row = await this.load(tx, id);
      const r = repo.rotationOf(row);
      if (index >= r.overrides.length) throw notFound('Override', String(index));
      r.overrides.splice(index, 1);
      const { id: _id, name: _name, ...def } = r;
      await repo.updateRotation(tx, id, { definition: json(def), updated_at: now });
      await this.audit?.change(tx, actor, 'rotation.override_removed', { type: 'rotation', id }, presentRotation(row), presentRotation(await this.load(tx, id)));
    });
    return this.get(id);
  }

  async onCall(id: string, at: string | undefined) {
    const atMs = at ? Date.parse(at) : this.clock.now();
    if (!Number.isFinite(atMs)) throw invalid([{ field: 'at', message: 'must be an ISO-8601 instant', code: 'invalid_instant' }]);
    const rotation = repo.rotationOf(await this.load(this.db, id));
    const userId = whoIsOnCall(rotation, atMs);
    const names = await repo.userNames(this.db, userId ? [userId] : []);
    return {
      rotationId: id,
      at: new Date(atMs).toISOString(),
      userId,
      userName: userId ? (names.get(userId) ?? null) : null,
      nextHandoffs: nextHandoffs(rotation, atMs, 5).map((h) => ({ at: iso(h.atMs) as string, fromUserId: h.fromUserId, toUserId: h.toUserId, cause: h.cause })),
    };
  }

  private async checked(ex: Executor, input: RotationInput): Promise<Omit<Rotation, 'id' | 'name'>> {
    const problems: FieldProblem[] = [];
    const ids = await repo.directoryIds(ex);
    input.members.forEach((m, i) => {
      if (!ids.userIds.has(m)) problems.push({ field: `members[${i}]`, message: `user ${m} does not exist`, code: 'unknown_user' });
    });
    if (new Set(input.members).size !== input.members.length) problems.push({ field: 'members', message: 'a member is listed twice', code: 'duplicate_member' });
    if (input.teamId && !ids.teamIds.has(input.teamId)) problems.push({ field: 'teamId', message: `team ${input.teamId} does not exist`, code: 'unknown_team' });
    if (!isValidTimeZone(input.timeZone)) problems.push({ field: 'timeZone', message: `${input.timeZone} is not an IANA time zone`, code: 'unknown_time_zone', params: { value: input.timeZone } });
    const overrides = (input.overrides ?? []).map((o, i) => {
      const startMs = Date.parse(o.start);
      const endMs = Date.parse(o.end);
      if (!ids.userIds.has(o.userId)) problems.push({ field: `overrides[${i}].userId`, message: `user ${o.userId} does not exist`, code: 'unknown_user' });
      if (!(endMs > startMs)) problems.push({ field: `overrides[${i}].end`, message: 'must be after start', code: 'end_before_start' });
      return { userId: o.userId, startMs, endMs };
    });
    if (problems.length) throw invalid(problems);
    return { members: input.members, shift: input.shift, handoffTime: input.handoffTime, timeZone: input.timeZone, startDate: input.startDate, teamId: input.teamId, overrides };
  }
}

const toInput = (o: Rotation['overrides'][number]): OverrideInput => ({ userId: o.userId, start: new Date(o.startMs).toISOString(), end: new Date(o.endMs).toISOString() });
