/**
 * Escalation paths as administrators manage them: every save is a new version (author,
 * reason, time, full definition), review dates with a reminder to the owner, the simulator
 * and the playbook. Running escalations never read a path: they keep their snapshot.
 */
import type { Db, Executor, Tx } from '../../db/database.js';
import { inTransaction, json } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import { cancelJobs, enqueueJob } from '../../jobs/jobs.repository.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, invalid, notFound } from '../../lib/errors.js';
import { iso } from '../../http/schemas.js';
import { decodeCursor, toPage } from '../../http/cursor.js';
import { newId } from '../../lib/ids.js';
import type { Principal } from '../auth/index.js';
import { addSecondsFor, NOTIFY_JOB, simulate, snapshotOf, type ReturnReason } from '../escalations/index.js';
import { directoryIds, loadDirectory, userNames, type Directory } from '../oncall/index.js';
import * as repo from './paths.repository.js';
import {
  compilePaths,
  diffPathVersions,
  matchPaths,
  normaliseText,
  validatePath,
  type CompiledPaths,
} from './path.policy.js';
import {
  definitionOf,
  pathOf,
  presentPath,
  presentPathVersion,
  type PathView,
  type SimulationView,
} from './paths.presenter.js';
import type { MatchTicket, Path, PathDefinition, PlaybookArticle } from './path.types.js';
import type { IndexDocumentInput, SearchService } from '../search/index.js';
import { pathEvidence, type PathEvidence } from './evidence.policy.js';

export const PATH_REVIEW_JOB = 'escalation_path.review_due';
const DAY_MS = 86_400_000;
const reviewKey = (pathId: string) => `path-review:${pathId}`;

export interface SimulateInput {
  ticket: Partial<MatchTicket> & { subject: string; teamId?: string | null; assigneeId?: string | null };
  arrivalAt?: string;
  pathId?: string;
  levelIndex?: number;
}

/** What the SLA module predicts for a hypothetical ticket (set by the container; null = no policy). */
export type SlaPreview = (
  facts: {
    priority: string;
    category: string | null;
    product: string | null;
    channel: string;
    teamId: string | null;
    customerTier: string | null;
    tags: string[];
  },
  arrivalMs: number,
) => Promise<{
  policyId: string;
  policyName: string;
  clocks: {
    kind: string;
    dueAt: number;
    warnings: { at: number }[];
    onWarning: { type: string; pathId?: string; levelIndex?: number }[];
    onBreach: { type: string; pathId?: string; levelIndex?: number }[];
  }[];
} | null>;

/**
 * The knowledge base as the playbook reads it (the knowledge module provides it, wired in the
 * container, so paths never imports knowledge). Categories are compared normalised here, the
 * way path matching compares them.
 */
export interface PlaybookArticleSource {
  /** Every distinct article category, as written. */
  categories(): Promise<string[]>;
  /** Up to `limit` articles in these categories (as written), most used first, then newest. */
  inCategories(categories: string[], limit: number): Promise<PlaybookArticle[]>;
}

/** Articles listed per path in the playbook, so a big knowledge base does not bloat it. */
export const PLAYBOOK_ARTICLES_PER_PATH = 10;

type Prediction = NonNullable<SimulationView['prediction']>;

/** The path row's columns that mirror its definition (kept in step on every save). */
const definitionColumns = (d: PathDefinition) => ({
  name: d.name,
  owner_id: d.ownerId,
  active: d.active ? 1 : 0,
  auto_escalate: d.autoEscalate ? 1 : 0,
  definition: json(d),
  review_interval_days: d.reviewIntervalDays,
});

/** A path's search document: its name (deleted paths have none). */
export function pathDocument(row: { id: string; name: string; created_at: number }): IndexDocumentInput {
  return { kind: 'path', id: row.id, title: row.name, fields: [row.name], body: row.name, at: Number(row.created_at) };
}

type PathSearch = Pick<SearchService, 'indexDocument' | 'removeDocument' | 'registerSource'>;

export interface CompiledPathSet {
  stamp: string;
  paths: CompiledPaths;
  all: Path[];
  byId: Map<string, Path>;
  /** Active automatic paths with conditions (the only ones that escalate by themselves). */
  auto: CompiledPaths;
  autoPaths: Path[];
}

export class PathsService {
  private compiled: CompiledPathSet | null = null;
  /** Within one transaction (e.g. a ticket's creation, which matches twice) the check is made once. */
  private readonly checkedIn = new WeakMap<object, CompiledPathSet>();
  private slaPreview: SlaPreview | null = null;
  private search: PathSearch | null = null;
  private articles: PlaybookArticleSource | null = null;

  /**
   * Paths' names become search documents (issue 19): written in the transaction of each create
   * and save (a rename is a save), removed on delete, rebuilt by `escalon search reindex`.
   */
  setSearchIndex(search: PathSearch): void {
    this.search = search;
    search.registerSource({
      kind: 'path',
      page: async (ex, afterId, limit) => {
        const rows = await ex.selectFrom('escalation_paths').select(['id', 'name', 'created_at']).where('id', '>', afterId).where('deleted_at', 'is', null).orderBy('id').limit(limit).execute();
        return { docs: rows.map(pathDocument), last: rows.at(-1)?.id ?? null };
      },
    });
  }

  /** Lets the playbook link each path's knowledge articles (the knowledge module provides it). */
  setArticleSource(source: PlaybookArticleSource): void {
    this.articles = source;
  }

  /** Lets the simulator include SLA-triggered escalations (the SLA module provides it). */
  setSlaPreview(fn: SlaPreview): void {
    this.slaPreview = fn;
  }

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /** Without a limit every path comes in one page (the console's lists and pickers rely on it). */
  async list(
    opts: { active?: boolean; limit?: number; cursor?: string } = {},
  ): Promise<{ items: PathView[]; nextCursor: string | null }> {
    const now = this.clock.now();
    const key = decodeCursor(opts.cursor);
    const after = key ? { name: String(key.v ?? ''), id: key.id } : null;
    const rows = await repo.listPaths(this.db, { active: opts.active, limit: opts.limit, after });
    const page =
      opts.limit === undefined
        ? { items: rows, nextCursor: null }
        : toPage(rows, opts.limit, (r) => ({ v: r.name, id: r.id }));
    return { items: page.items.map((r) => presentPath(r, now)), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<PathView> {
    return presentPath(await this.load(this.db, id), this.clock.now());
  }

  /** A path's current row, or undefined. */
  find(ex: Executor, id: string) {
    return repo.findPath(ex, id);
  }

  async load(ex: Executor, id: string) {
    const row = await repo.findPath(ex, id);
    if (!row) throw notFound('Escalation path', id);
    return row;
  }

  async create(actor: Principal, def: PathDefinition, reason: string | undefined): Promise<PathView> {
    const now = this.clock.now();
    const id = newId();
    await inTransaction(this.db, async (tx) => {
      const d = await this.checked(tx, def);
      await repo.insertPath(tx, {
        id,
        version: 1,
        ...definitionColumns(d),
        last_reviewed_at: null,
        last_reviewed_by: null,
        review_due_at: now + d.reviewIntervalDays * DAY_MS,
        deleted_at: null,
        created_at: now,
        updated_at: now,
      });
      await repo.insertPathVersion(tx, {
        path_id: id,
        version: 1,
        definition: json(d),
        author_id: actor.userId,
        reason: reason?.trim() || 'created',
        created_at: now,
      });
      await this.scheduleReview(tx, id, now + d.reviewIntervalDays * DAY_MS, now);
      await this.search?.indexDocument(tx, pathDocument({ id, name: d.name, created_at: now }));
      await this.audit.change(tx, actor, 'path.created', { type: 'escalation_path', id }, null, { version: 1, reason: reason?.trim() || null, definition: d });
    });
    return this.get(id);
  }

  /** Every save is a new version; escalations already running keep theirs. */
  async update(
    actor: Principal,
    id: string,
    def: PathDefinition,
    reason: string | undefined,
  ): Promise<PathView> {
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      const row = await this.load(tx, id);
      const d = await this.checked(tx, def);
      const version = row.version + 1;
      const reviewDue = Number(row.last_reviewed_at ?? row.created_at) + d.reviewIntervalDays * DAY_MS;
      await repo.updatePath(tx, id, {
        version,
        ...definitionColumns(d),
        review_due_at: reviewDue,
        updated_at: now,
      });
      await repo.insertPathVersion(tx, {
        path_id: id,
        version,
        definition: json(d),
        author_id: actor.userId,
        reason: reason?.trim() || 'updated',
        created_at: now,
      });
      await this.scheduleReview(tx, id, reviewDue, now);
      if (row.deleted_at === null) await this.search?.indexDocument(tx, pathDocument({ id, name: d.name, created_at: row.created_at }));
      await this.audit.change(tx, actor, 'path.updated', { type: 'escalation_path', id }, { version: row.version, definition: definitionOf(row) }, { version, reason: reason?.trim() || null, definition: d });
    });
    return this.get(id);
  }

  /** Removes a path from matching and the playbook; its versions stay for running escalations and audits. */
  async remove(actor: Principal, id: string, reason: string | undefined): Promise<void> {
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      const row = await this.load(tx, id);
      const d = { ...definitionOf(row), active: false };
      await repo.updatePath(tx, id, {
        active: 0,
        deleted_at: now,
        updated_at: now,
        version: row.version + 1,
        definition: json(d),
      });
      await repo.insertPathVersion(tx, {
        path_id: id,
        version: row.version + 1,
        definition: json(d),
        author_id: actor.userId,
        reason: reason?.trim() || 'deleted',
        created_at: now,
      });
      await cancelJobs(tx, [reviewKey(id)], now);
      await this.search?.removeDocument(tx, 'path', id);
      await this.audit.change(tx, actor, 'path.deleted', { type: 'escalation_path', id }, { version: row.version, definition: definitionOf(row) }, null);
    });
  }

  async versions(id: string) {
    await this.load(this.db, id);
    const rows = await repo.listPathVersions(this.db, id);
    const names = await userNames(
      this.db,
      rows.map((r) => r.author_id).filter((x): x is string => !!x),
    );
    return { items: rows.map((r) => presentPathVersion(r, names)) };
  }

  async diff(id: string, from: number, to: number) {
    await this.load(this.db, id);
    const [a, b] = await Promise.all([
      repo.findPathVersion(this.db, id, from),
      repo.findPathVersion(this.db, id, to),
    ]);
    const problems = [];
    if (!a) problems.push({ field: 'from', message: `version ${from} of this path does not exist`, code: 'unknown_version' });
    if (!b) problems.push({ field: 'to', message: `version ${to} of this path does not exist`, code: 'unknown_version' });
    if (problems.length || !a || !b) throw invalid(problems);
    return {
      pathId: id,
      from,
      to,
      changes: diffPathVersions(
        JSON.parse(a.definition) as PathDefinition,
        JSON.parse(b.definition) as PathDefinition,
      ),
    };
  }

  /** Marks a path reviewed now: records who, and moves the next review one interval on. */
  async review(actor: Principal, id: string): Promise<PathView> {
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      const row = await this.load(tx, id);
      const due = now + row.review_interval_days * DAY_MS;
      await repo.updatePath(tx, id, {
        last_reviewed_at: now,
        last_reviewed_by: actor.userId,
        review_due_at: due,
        updated_at: now,
      });
      await this.scheduleReview(tx, id, due, now);
      await this.audit.change(tx, actor, 'path.reviewed', { type: 'escalation_path', id }, { lastReviewedAt: row.last_reviewed_at === null ? null : new Date(Number(row.last_reviewed_at)).toISOString() }, { lastReviewedAt: new Date(now).toISOString(), reviewDueAt: new Date(due).toISOString() });
    });
    return this.get(id);
  }

  /**
   * Evidence for the review: the path's escalations since `sinceMs` (default: the last review,
   * or one review interval back). `visible` keeps those of tickets the reader may see (the
   * route passes the ticket access policy), so the evidence counts what the reports count.
   */
  async evidence(id: string, sinceMs?: number, visible?: <T extends { ticket_id: string }>(rows: T[]) => Promise<T[]>): Promise<PathEvidence & { pathId: string; since: string }> {
    const row = await this.load(this.db, id);
    const since =
      sinceMs ?? Number(row.last_reviewed_at ?? this.clock.now() - row.review_interval_days * DAY_MS);
    const all = await this.db
      .selectFrom('escalations')
      .select(['ticket_id', 'status', 'trigger', 'level_index', 'requested_at', 'ack_due_at', 'acknowledged_at', 'state'])
      .where('path_id', '=', id)
      .where('requested_at', '>=', since)
      .execute();
    const rows = visible ? await visible(all) : all;
    const evidence = pathEvidence(
      rows.map((r) => ({
        status: r.status,
        trigger: r.trigger,
        levelIndex: r.level_index,
        requestedAt: Number(r.requested_at),
        ackDueAt: r.ack_due_at === null ? null : Number(r.ack_due_at),
        acknowledgedAt: r.acknowledged_at === null ? null : Number(r.acknowledged_at),
        returnedReason:
          (JSON.parse(r.state) as { returned?: { reason: ReturnReason } | null }).returned?.reason ?? null,
      })),
    );
    return { pathId: id, since: new Date(since).toISOString(), ...evidence };
  }

  async dueReviews(): Promise<{ items: PathView[] }> {
    const now = this.clock.now();
    return { items: (await repo.listDueReviews(this.db, now)).map((r) => presentPath(r, now)) };
  }

  /**
   * The review timer: when a path's review falls due its owner is told, then reminded daily
   * until someone marks it reviewed (which moves the timer).
   */
  async onReviewDue(tx: Tx, pathId: string, now: number): Promise<void> {
    const row = await repo.findPath(tx, pathId);
    if (!row || row.active !== 1 || Number(row.review_due_at) > now) return;
    await enqueueJob(
      tx,
      {
        kind: NOTIFY_JOB,
        dedupeKey: `notify:path-review:${pathId}:${now}`,
        dueAt: now,
        maxAttempts: 5,
        payload: {
          event: 'escalation_path.review_due',
          recipients: { userIds: [row.owner_id] },
          data: {
            pathId,
            pathName: row.name,
            reviewDueAt: iso(row.review_due_at),
            lastReviewedAt: iso(row.last_reviewed_at),
          },
        },
      },
      now,
    );
    await this.scheduleReview(tx, pathId, now + DAY_MS, now);
  }

  private scheduleReview(tx: Tx, pathId: string, dueAt: number, now: number) {
    return enqueueJob(
      tx,
      { kind: PATH_REVIEW_JOB, dedupeKey: reviewKey(pathId), dueAt, payload: { pathId } },
      now,
      { replace: true },
    );
  }

  private async checked(tx: Tx, def: PathDefinition): Promise<PathDefinition> {
    const problems = validatePath(def, await directoryIds(tx));
    if (def.autoEscalate && !hasConditions(def))
      problems.push({
        field: 'autoEscalate',
        message:
          'a path without conditions would escalate every ticket; add conditions or turn autoEscalate off', code: 'auto_escalate_without_conditions',
      });
    if (problems.length) throw invalid(problems);
    return { ...def, autoEscalate: def.autoEscalate ?? false };
  }

  // -------------------------------------------------------------------------------------
  // Matching (shared with the engine's automatic escalation)

  /**
   * Active paths, compiled once per change of the paths table (checked with one cheap query);
   * the automatic ones also on their own, so automatic escalation on every ticket change only
   * matches those.
   */
  async compiledPaths(ex: Executor): Promise<CompiledPathSet> {
    const known = ex.isTransaction ? this.checkedIn.get(ex) : undefined;
    if (known) return known;
    const s = await ex
      .selectFrom('escalation_paths')
      .select((eb) => [eb.fn.max('updated_at').as('m'), eb.fn.countAll().as('n')])
      .executeTakeFirstOrThrow();
    const stamp = `${String(s.m)}:${String(s.n)}`;
    if (this.compiled?.stamp !== stamp) {
      const all = (await repo.listPaths(ex, { active: true })).map(pathOf);
      const autoPaths = all.filter((p) => p.autoEscalate === true && hasConditions(p));
      this.compiled = {
        stamp,
        paths: compilePaths(all),
        all,
        byId: new Map(all.map((p) => [p.id, p])),
        auto: compilePaths(autoPaths),
        autoPaths,
      };
    }
    if (ex.isTransaction) this.checkedIn.set(ex, this.compiled);
    return this.compiled;
  }

  /** Paths matching a ticket; `autoOnly`: only automatic paths. `compiled` saves looking again. */
  async match(
    ex: Executor,
    ticket: MatchTicket,
    opts: { autoOnly?: boolean } = {},
    compiled?: CompiledPathSet,
  ) {
    const set = compiled ?? (await this.compiledPaths(ex));
    const matches = matchPaths(opts.autoOnly ? set.auto : set.paths, ticket);
    return matches.map((m) => ({ match: m, path: set.byId.get(m.pathId) as Path }));
  }

  // -------------------------------------------------------------------------------------
  // Simulator

  async simulate(input: SimulateInput): Promise<SimulationView> {
    const arrivalMs = input.arrivalAt ? Date.parse(input.arrivalAt) : this.clock.now();
    if (!Number.isFinite(arrivalMs))
      throw invalid([{ field: 'arrivalAt', message: 'must be an ISO-8601 instant', code: 'invalid_instant' }]);
    const t = input.ticket;
    const ticket: MatchTicket = {
      category: t.category ?? null,
      product: t.product ?? null,
      tags: t.tags ?? [],
      priority: t.priority ?? 'normal',
      channel: t.channel ?? 'api',
      customerTier: t.customerTier ?? null,
      temperature: t.temperature ?? 'calm',
      subject: t.subject,
      body: t.body ?? '',
    };
    const found = await this.match(this.db, ticket);
    const matches = found.map((f) => f.match);
    let path: Path | undefined;
    if (input.pathId) path = pathOf(await this.load(this.db, input.pathId));
    else path = found[0]?.path;
    if (!path)
      return {
        arrivalAt: new Date(arrivalMs).toISOString(),
        matches,
        pathId: null,
        prediction: null,
        sla: null,
      };
    if (input.levelIndex !== undefined && input.levelIndex >= path.levels.length)
      throw invalid([
        {
          field: 'levelIndex',
          message: `the path has ${path.levels.length} levels (0–${path.levels.length - 1})`, code: 'level_out_of_range', params: { count: path.levels.length },
        },
      ]);
    const directory = await loadDirectory(this.db);
    const ctx = { currentTeamId: t.teamId ?? null, assigneeId: t.assigneeId ?? null };
    const prediction = await this.predict(path, arrivalMs, input.levelIndex ?? 0, ctx, directory);
    return {
      arrivalAt: new Date(arrivalMs).toISOString(),
      matches,
      pathId: path.id,
      prediction,
      sla: await this.predictSla(ticket, t.teamId ?? null, arrivalMs, path, ctx, directory),
    };
  }

  /** The engine's own step function run forward with nobody acknowledging (the simulator's core). */
  private async predict(
    path: Path,
    arrivalMs: number,
    startLevel: number,
    ticket: { currentTeamId: string | null; assigneeId: string | null },
    directory: Directory,
  ): Promise<Prediction> {
    const snapshot = snapshotOf(path);
    const result = simulate({
      snapshot,
      arrivalMs,
      directory,
      ticket,
      addSeconds: await addSecondsFor(this.db, snapshot),
      startLevel,
      maxSteps: 2000,
    });
    const p = (id: string) => ({ id, name: directory.users[id]?.name ?? id });
    return {
      levels: result.levels.map((l) => ({
        levelIndex: l.levelIndex,
        name: l.name,
        skipped: l.skipped,
        reachedAt: iso(l.reachedMs),
        ackDueAt: iso(l.ackDueMs),
        targets: l.targets.map((x) => ({
          key: x.key,
          receivers: x.receivers.map(p),
          trace: x.trace,
          ...(x.traceFacts && { traceFacts: x.traceFacts }),
        })),
        reminders: l.reminders.map((r) => ({
          at: iso(r.atMs) as string,
          targetKey: r.targetKey,
          receivers: r.receivers.map(p),
        })),
        leftAt: iso(l.leftMs),
      })),
      fallback: result.fallback
        ? {
            at: iso(result.fallback.atMs) as string,
            receivers: result.fallback.receivers.map(p),
            trace: result.fallback.trace,
            ...(result.fallback.traceFacts && { traceFacts: result.fallback.traceFacts }),
            adminAlert: true,
          }
        : null,
      stalled: result.stalled,
      truncated: result.truncated,
    };
  }

  /**
   * The SLA side of the prediction: which policy would apply, when each clock warns and
   * breaches (nobody answering), and what its `escalate` actions would set in motion — each
   * predicted with the same engine, from the instant the SLA event fires.
   */
  private async predictSla(
    ticket: MatchTicket,
    teamId: string | null,
    arrivalMs: number,
    matched: Path,
    ctx: { currentTeamId: string | null; assigneeId: string | null },
    directory: Directory,
  ): Promise<SimulationView['sla']> {
    if (!this.slaPreview) return null;
    const preview = await this.slaPreview(
      {
        priority: ticket.priority,
        category: ticket.category,
        product: ticket.product,
        channel: ticket.channel,
        teamId,
        customerTier: ticket.customerTier,
        tags: ticket.tags,
      },
      arrivalMs,
    );
    if (!preview) return null;
    const escalations: NonNullable<SimulationView['sla']>['escalations'] = [];
    for (const clock of preview.clocks) {
      const events = [
        ...clock.warnings.map((w) => ({ event: 'warning' as const, at: w.at, actions: clock.onWarning })),
        { event: 'breach' as const, at: clock.dueAt, actions: clock.onBreach },
      ];
      for (const e of events) {
        for (const a of e.actions) {
          if (a.type !== 'escalate') continue;
          const path = a.pathId
            ? await repo
                .findPath(this.db, a.pathId)
                .then((r) => (r && r.deleted_at === null ? pathOf(r) : undefined))
            : matched;
          if (!path) continue;
          const levelIndex = Math.min(a.levelIndex ?? 0, path.levels.length - 1);
          escalations.push({
            clockKind: clock.kind,
            event: e.event,
            at: new Date(e.at).toISOString(),
            pathId: path.id,
            pathName: path.name,
            levelIndex,
            prediction: await this.predict(path, e.at, levelIndex, ctx, directory),
          });
        }
      }
    }
    return {
      policyId: preview.policyId,
      policyName: preview.policyName,
      clocks: preview.clocks.map((c) => ({
        kind: c.kind,
        dueAt: new Date(c.dueAt).toISOString(),
        warningsAt: c.warnings.map((w) => new Date(w.at).toISOString()),
      })),
      escalations,
    };
  }

  /**
   * Everything the playbook shows: active paths with names of the people, teams and rotations
   * they reach, and by path id the knowledge articles of the path's categories.
   */
  async playbookData() {
    const rows = await repo.listPaths(this.db, { active: true });
    const directory = await loadDirectory(this.db);
    const paths = rows.map(pathOf);
    return { paths, directory, rows, calendarNames: await repo.calendarNames(this.db), articles: await this.playbookArticles(paths) };
  }

  private async playbookArticles(paths: Path[]): Promise<Map<string, PlaybookArticle[]>> {
    const out = new Map<string, PlaybookArticle[]>();
    const source = this.articles;
    const wanted = paths.filter((p) => p.conditions.categories.length);
    if (!source || !wanted.length) return out;
    const asWritten = new Map<string, string[]>();
    for (const c of await source.categories()) {
      const k = normaliseText(c);
      asWritten.set(k, [...(asWritten.get(k) ?? []), c]);
    }
    for (const p of wanted) {
      const cats = [...new Set(p.conditions.categories.flatMap((c) => asWritten.get(normaliseText(c)) ?? []))];
      if (cats.length) out.set(p.id, await source.inCategories(cats, PLAYBOOK_ARTICLES_PER_PATH));
    }
    return out;
  }
}

export const hasConditions = (p: PathDefinition): boolean =>
  Object.entries(p.conditions).some(([k, v]) => k !== 'tagMode' && Array.isArray(v) && v.length > 0);

export const assertLevel = (path: Path, levelIndex: number | undefined): number => {
  const i = levelIndex ?? 0;
  if (i >= path.levels.length)
    throw new AppError(
      'validation_failed',
      `levelIndex: the path has ${path.levels.length} levels (0–${path.levels.length - 1})`,
      {
        problems: [{ field: 'levelIndex', message: `the path has ${path.levels.length} levels`, code: 'level_out_of_range', params: { count: path.levels.length } }],
      },
    );
  return i;
};
