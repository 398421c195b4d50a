import type { Db, Executor } from '../../db/database.js';
import type { AuditActor, AuditService } from '../audit/index.js';
import { inTransaction } from '../../db/database.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/dialect.js';
import type { Clock } from '../../lib/clock.js';
import { conflict, invalid, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, toPage } from '../../http/cursor.js';
import { presentTeam, type TeamView, type TEAM_ROLES } from './teams.presenter.js';
import { deleteTeam, findTeam, insertTeam, listTeams, membersOf, replaceMembers, updateTeam } from './teams.repository.js';

export interface TeamInput {
  name?: string;
  description?: string;
  contactEmail?: string | null;
  contactPhone?: string | null;
  /** Only members, escalation receivers and administrators see the team's tickets. */
  restricted?: boolean;
  members?: { userId: string; role: (typeof TEAM_ROLES)[number] }[];
}

export class TeamsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async get(id: string, ex: Executor = this.db): Promise<TeamView> {
    const t = await findTeam(ex, id);
    if (!t) throw notFound('Team', id);
    return presentTeam(t, await membersOf(ex, [id]));
  }

  async list(opts: { limit: number; cursor?: string; memberId?: string }) {
    const key = decodeCursor(opts.cursor);
    const rows = await listTeams(this.db, { limit: opts.limit, after: key?.id, memberId: opts.memberId });
    const page = toPage(rows, opts.limit, (r) => ({ v: null, id: r.id }));
    const members = await membersOf(this.db, page.items.map((t) => t.id));
    return { items: page.items.map((t) => presentTeam(t, members)), nextCursor: page.nextCursor };
  }

  async create(input: TeamInput & { name: string }, actor?: AuditActor | null): Promise<TeamView> {
    const id = newId();
    const now = this.clock.now();
    await this.write(async (tx) => {
      await insertTeam(tx, {
        id,
        name: input.name.trim(),
        description: input.description ?? '',
        contact_email: input.contactEmail ?? null,
        contact_phone: input.contactPhone ?? null,
        restricted: input.restricted ? 1 : 0,
        created_at: now,
        updated_at: now,
      });
      if (input.members) await replaceMembers(tx, id, this.memberRows(id, input.members));
      await this.audit.change(tx, actor, 'team.created', { type: 'team', id }, null, await this.get(id, tx));
    });
    return this.get(id);
  }

  async update(id: string, input: TeamInput, actor?: AuditActor | null): Promise<TeamView> {
    if (!(await findTeam(this.db, id))) throw notFound('Team', id);
    await this.write(async (tx) => {
      const before = await this.get(id, tx);
      await updateTeam(tx, id, {
        ...(input.name !== undefined && { name: input.name.trim() }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.contactEmail !== undefined && { contact_email: input.contactEmail }),
        ...(input.contactPhone !== undefined && { contact_phone: input.contactPhone }),
        ...(input.restricted !== undefined && { restricted: input.restricted ? 1 : 0 }),
        updated_at: this.clock.now(),
      });
      if (input.members) await replaceMembers(tx, id, this.memberRows(id, input.members));
      await this.audit.change(tx, actor, 'team.updated', { type: 'team', id }, before, await this.get(id, tx));
    });
    return this.get(id);
  }

  async remove(id: string, actor?: AuditActor | null): Promise<void> {
    try {
      await inTransaction(this.db, async (tx) => {
        const before = await this.get(id, tx);
        const r = await deleteTeam(tx, id);
        if (Number(r.numDeletedRows) === 0) throw notFound('Team', id);
        await this.audit.change(tx, actor, 'team.deleted', { type: 'team', id }, before, null);
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) throw conflict('The team still has tickets; move them to another team first.');
      throw err;
    }
  }

  private memberRows(teamId: string, members: NonNullable<TeamInput['members']>) {
    const seen = new Set<string>();
    const dupes = members.filter((m) => (seen.has(m.userId) ? true : (seen.add(m.userId), false)));
    if (dupes.length) throw invalid(dupes.map((d) => ({ field: 'members', message: `user ${d.userId} is listed twice`, code: 'duplicate_member' })));
    return members.map((m) => ({ team_id: teamId, user_id: m.userId, role: m.role }));
  }

  private async write(fn: Parameters<typeof inTransaction>[1]): Promise<void> {
    try {
      await inTransaction(this.db, fn);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('A team with that name already exists.', { problems: [{ field: 'name', message: 'is already in use', code: 'name_in_use' }] });
      if (isForeignKeyViolation(err)) throw invalid([{ field: 'members', message: 'names a user that does not exist', code: 'unknown_user' }]);
      throw err;
    }
  }
}
