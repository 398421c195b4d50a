/**
 * Escalation paths: validation against a directory snapshot, compiled matching of tickets to
 * paths (with the reasons a path matched), and the diff between two path versions.
 */
import type { FieldProblem } from '../../lib/errors.js';
import {
  BRIEF_FIELDS,
  type FieldChangeOfPath,
  type MatchFact,
  type MatchTicket,
  type Path,
  type PathDefinition,
  type PathMatch,
  type Target,
} from './path.types.js';
import type { DirectoryIds } from '../oncall/index.js';

const asSet = (ids: ReadonlySet<string> | readonly string[]): ReadonlySet<string> =>
  ids instanceof Set ? ids : new Set(ids as readonly string[]);

/** A stable key of a target, unique within a level: "team:t1", "role:manager_of_current_team". */
export const targetKey = (target: Target): string => {
  switch (target.type) {
    case 'team':
      return `team:${target.teamId}`;
    case 'user':
      return `user:${target.userId}`;
    case 'rotation':
      return `rotation:${target.rotationId}`;
    case 'role':
      return `role:${target.role}`;
  }
};

const isNonNegativeInteger = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 0;
const briefFields: ReadonlySet<string> = new Set(BRIEF_FIELDS);

/**
 * Every problem of a path definition that a schema cannot see: levels without targets,
 * targets missing from the directory, bad timings, duplicate targets, unknown brief fields.
 * Returns [] when the path can be saved.
 */
export const validatePath = (path: PathDefinition, directory: DirectoryIds): FieldProblem[] => {
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string, code: string, params?: Record<string, string | number>) =>
    problems.push({ field, message, code, ...(params && { params }) });
  const users = asSet(directory.userIds);
  const teams = asSet(directory.teamIds);
  const rotations = asSet(directory.rotationIds);

  if (!path.name.trim()) add('name', 'must not be empty', 'empty');
  if (!users.has(path.ownerId)) add('ownerId', `user ${path.ownerId} does not exist`, 'unknown_user');
  if (!(Number.isInteger(path.reviewIntervalDays) && path.reviewIntervalDays > 0))
    add('reviewIntervalDays', 'must be a whole number of days greater than 0', 'positive_days');
  path.conditions.keywords.forEach((k, i) => {
    if (!k.trim()) add(`conditions.keywords[${i}]`, 'must not be blank', 'blank_keyword');
  });
  if (path.levels.length === 0) add('levels', 'a path needs at least one level', 'no_levels');

  path.levels.forEach((level, li) => {
    const at = `levels[${li}]`;
    if (!level.name.trim()) add(`${at}.name`, 'must not be empty', 'empty');
    if (level.targets.length === 0) add(`${at}.targets`, 'a level needs at least one target', 'no_targets');
    const seen = new Set<string>();
    level.targets.forEach((target, ti) => {
      const field = `${at}.targets[${ti}]`;
      const key = targetKey(target);
      if (seen.has(key)) add(field, `duplicate target ${key} in this level`, 'duplicate_target');
      seen.add(key);
      if (target.type === 'user' && !users.has(target.userId))
        add(`${field}.userId`, `user ${target.userId} does not exist`, 'unknown_user');
      if (target.type === 'team' && !teams.has(target.teamId))
        add(`${field}.teamId`, `team ${target.teamId} does not exist`, 'unknown_team');
      if (target.type === 'rotation' && !rotations.has(target.rotationId))
        add(`${field}.rotationId`, `rotation ${target.rotationId} does not exist`, 'unknown_rotation');
    });
    if (!(Number.isInteger(level.ackTimeoutSeconds) && level.ackTimeoutSeconds > 0))
      add(`${at}.ackTimeoutSeconds`, 'must be a whole number of seconds greater than 0', 'positive_seconds');
    if (!isNonNegativeInteger(level.onTimeout.repeatReminders))
      add(`${at}.onTimeout.repeatReminders`, 'must be a whole number ≥ 0', 'non_negative');
    if (!isNonNegativeInteger(level.onTimeout.reminderIntervalSeconds))
      add(`${at}.onTimeout.reminderIntervalSeconds`, 'must be a whole number of seconds ≥ 0', 'non_negative');
    else if (level.onTimeout.repeatReminders > 0 && level.onTimeout.reminderIntervalSeconds === 0)
      add(`${at}.onTimeout.reminderIntervalSeconds`, 'must be greater than 0 when reminders are repeated', 'interval_needed');
    level.requiredBriefFields.forEach((f, fi) => {
      if (!briefFields.has(f))
        add(
          `${at}.requiredBriefFields[${fi}]`,
          `${String(f)} is not a brief field (${BRIEF_FIELDS.join(', ')})`,
          'unknown_brief_field',
          { value: String(f) },
        );
    });
  });

  path.fallbackUserIds.forEach((id, i) => {
    if (!users.has(id)) add(`fallbackUserIds[${i}]`, `user ${id} does not exist`, 'unknown_user');
  });
  if (path.fallbackTeamId !== null && !teams.has(path.fallbackTeamId))
    add('fallbackTeamId', `team ${path.fallbackTeamId} does not exist`, 'unknown_team');
  return problems;
};

// ---------------------------------------------------------------------------------------
// Matching

/** Case- and width-insensitive form used for matching (NFKC folds full-width Latin and half-width kana). */
export const normaliseText = (s: string): string => s.normalize('NFKC').toLowerCase();

interface CompiledPath {
  path: Path;
  order: number;
  categories: ReadonlySet<string> | null;
  products: ReadonlySet<string> | null;
  tags: readonly string[] | null;
  tagsAll: boolean;
  priorities: ReadonlySet<string> | null;
  channels: ReadonlySet<string> | null;
  tiers: ReadonlySet<string> | null;
  temperatures: ReadonlySet<string> | null;
  /** Indexes into CompiledPaths.keywords, with the keyword as written (for reasons). */
  keywords: readonly number[] | null;
  keywordsAsWritten: readonly { index: number; word: string }[];
  tagsAsWritten: readonly { tag: string; word: string }[];
  score: number;
}

/** Active paths prepared for fast matching; build once per path change, reuse per ticket. */
export interface CompiledPaths {
  readonly paths: readonly CompiledPath[];
  /** Every distinct normalised keyword of every path, searched at most once per ticket. */
  readonly keywords: readonly string[];
  /** Hashed character pairs of each keyword: a cheap filter before the substring search. */
  readonly keywordPairs: readonly Uint16Array[];
}

// A keyword can only occur in a text that contains every pair of adjacent characters of the
// keyword. The text's pairs go into a 65,536-bit filter (collisions only cost a real search).
const pairHash = (a: number, b: number): number => ((a << 7) ^ b ^ (a >>> 9)) & 0xffff;

const pairsOf = (word: string): Uint16Array => {
  const out = new Uint16Array(Math.max(0, word.length - 1));
  for (let i = 1; i < word.length; i++) out[i - 1] = pairHash(word.charCodeAt(i - 1), word.charCodeAt(i));
  return out;
};

const addPairs = (filter: Uint32Array, text: string): void => {
  let prev = text.charCodeAt(0);
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const h = pairHash(prev, c);
    filter[h >>> 5] = (filter[h >>> 5] as number) | (1 << (h & 31));
    prev = c;
  }
};

const mayContain = (filter: Uint32Array, pairs: Uint16Array): boolean => {
  for (let i = 0; i < pairs.length; i++) {
    const h = pairs[i] as number;
    if (((filter[h >>> 5] as number) & (1 << (h & 31))) === 0) return false;
  }
  return true;
};

const setOf = (values: readonly string[]): ReadonlySet<string> | null =>
  values.length ? new Set(values.map(normaliseText)) : null;

export const compilePaths = (paths: readonly Path[]): CompiledPaths => {
  const keywordIndex = new Map<string, number>();
  const compiled: CompiledPath[] = [];
  paths.forEach((path, order) => {
    if (!path.active) return;
    const c = path.conditions;
    const keywordsAsWritten: { index: number; word: string }[] = [];
    for (const word of c.keywords) {
      const k = normaliseText(word);
      if (k.trim() === '') continue;
      let index = keywordIndex.get(k);
      if (index === undefined) keywordIndex.set(k, (index = keywordIndex.size));
      keywordsAsWritten.push({ index, word });
    }
    const kw = [...new Set(keywordsAsWritten.map((k) => k.index))];
    const entry: CompiledPath = {
      path,
      order,
      categories: setOf(c.categories),
      products: setOf(c.products),
      tags: c.tags.length ? [...new Set(c.tags.map(normaliseText))] : null,
      tagsAll: c.tagMode === 'all',
      priorities: setOf(c.priorities),
      channels: setOf(c.channels),
      tiers: setOf(c.customerTiers),
      temperatures: setOf(c.customerTemperatures),
      keywords: kw.length ? kw : null,
      keywordsAsWritten,
      tagsAsWritten: c.tags.map((word) => ({ tag: normaliseText(word), word })),
      score: 0,
    };
    entry.score = [
      entry.categories,
      entry.products,
      entry.tags,
      entry.priorities,
      entry.channels,
      entry.tiers,
      entry.temperatures,
      entry.keywords,
    ].filter((x) => x !== null).length;
    compiled.push(entry);
  });
  const keywords = [...keywordIndex.keys()];
  return { paths: compiled, keywords, keywordPairs: keywords.map(pairsOf) };
};

const HIT_UNKNOWN = 0;
const HIT_SUBJECT = 1;
const HIT_BODY = 2;
const HIT_NONE = 3;

/**
 * The paths a ticket matches, most specific first (more conditions stated), then in the
 * order given to `compilePaths`. Each match says why: "category = billing-dispute",
 * "keyword 'refund' in subject". Cheap set checks run first; a keyword is searched at most
 * once per ticket however many paths use it.
 */
export const matchPaths = (compiled: CompiledPaths, ticket: MatchTicket): PathMatch[] => {
  const category = ticket.category === null ? null : normaliseText(ticket.category);
  const product = ticket.product === null ? null : normaliseText(ticket.product);
  const tier = ticket.customerTier === null ? null : normaliseText(ticket.customerTier);
  const tags = new Set(ticket.tags.map(normaliseText));
  let subject: string | null = null;
  let body: string | null = null;
  let filter: Uint32Array | null = null;
  const hits = new Uint8Array(compiled.keywords.length);
  const hit = (k: number): number => {
    let h = hits[k] ?? HIT_UNKNOWN;
    if (h === HIT_UNKNOWN) {
      if (filter === null) {
        subject = normaliseText(ticket.subject);
        body = normaliseText(ticket.body);
        filter = new Uint32Array(2048);
        addPairs(filter, subject);
        addPairs(filter, body);
      }
      const word = compiled.keywords[k] as string;
      if (!mayContain(filter, compiled.keywordPairs[k] as Uint16Array)) h = HIT_NONE;
      else if ((subject as string).includes(word)) h = HIT_SUBJECT;
      else h = (body as string).includes(word) ? HIT_BODY : HIT_NONE;
      hits[k] = h;
    }
    return h;
  };

  const matched: CompiledPath[] = [];
  for (const p of compiled.paths) {
    if (p.categories && (category === null || !p.categories.has(category))) continue;
    if (p.products && (product === null || !p.products.has(product))) continue;
    if (p.priorities && !p.priorities.has(ticket.priority)) continue;
    if (p.channels && !p.channels.has(ticket.channel)) continue;
    if (p.tiers && (tier === null || !p.tiers.has(tier))) continue;
    if (p.temperatures && !p.temperatures.has(ticket.temperature)) continue;
    if (p.tags) {
      const ok = p.tagsAll ? p.tags.every((t) => tags.has(t)) : p.tags.some((t) => tags.has(t));
      if (!ok) continue;
    }
    if (p.keywords && !p.keywords.some((k) => hit(k) !== HIT_NONE)) continue;
    matched.push(p);
  }
  matched.sort((a, b) => b.score - a.score || a.order - b.order);

  return matched.map((p) => {
    const facts: MatchFact[] = [];
    if (p.categories) facts.push({ code: 'category', values: [ticket.category ?? ''] });
    if (p.products) facts.push({ code: 'product', values: [ticket.product ?? ''] });
    if (p.tags) {
      const present: string[] = [];
      for (const t of p.tagsAsWritten) if (tags.has(t.tag)) present.push(t.word);
      facts.push({ code: p.tagsAll ? 'tags_all' : 'tag', values: present });
    }
    if (p.priorities) facts.push({ code: 'priority', values: [ticket.priority ?? ''] });
    if (p.channels) facts.push({ code: 'channel', values: [ticket.channel ?? ''] });
    if (p.tiers) facts.push({ code: 'customer_tier', values: [ticket.customerTier ?? ''] });
    if (p.temperatures) facts.push({ code: 'customer_temperature', values: [ticket.temperature ?? ''] });
    if (p.keywords) {
      for (const { index, word } of p.keywordsAsWritten) {
        const h = hit(index);
        if (h === HIT_SUBJECT) facts.push({ code: 'keyword_subject', values: [word] });
        else if (h === HIT_BODY) facts.push({ code: 'keyword_body', values: [word] });
      }
    }
    if (facts.length === 0) facts.push({ code: 'no_conditions', values: [] });
    return { pathId: p.path.id, pathName: p.path.name, version: p.path.version, score: p.score, reasons: facts.map(englishFact), facts };
  });
};

/** The API's plain-English `reasons` (kept for API clients); people read `facts` in their language. */
export const englishFact = (f: MatchFact): string => {
  const q = f.values.map((v) => `'${v}'`).join(', ');
  switch (f.code) {
    case 'category':
      return `category = ${f.values[0]}`;
    case 'product':
      return `product = ${f.values[0]}`;
    case 'tag':
      return `tag ${q}`;
    case 'tags_all':
      return `tags all of ${q}`;
    case 'priority':
      return `priority = ${f.values[0]}`;
    case 'channel':
      return `channel = ${f.values[0]}`;
    case 'customer_tier':
      return `customer tier = ${f.values[0]}`;
    case 'customer_temperature':
      return `customer temperature = ${f.values[0]}`;
    case 'keyword_subject':
      return `keyword ${q} in subject`;
    case 'keyword_body':
      return `keyword ${q} in body`;
    case 'no_conditions':
      return 'no conditions (matches every ticket)';
  }
};

// ---------------------------------------------------------------------------------------
// Version diff

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalarArray = (v: unknown[]): boolean => v.every((x) => x === null || typeof x !== 'object');

const sameValue = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameValue(a[k], b[k]));
  }
  return false;
};

/**
 * Field-level changes between two versions of a path: `levels[1].ackTimeoutSeconds`,
 * `conditions.tags` (lists of plain values are compared whole), `levels[2]` (a level added:
 * change `added`, no before). Identity fields `id` and `version` are ignored.
 */
export const diffPathVersions = (a: PathDefinition | Path, b: PathDefinition | Path): FieldChangeOfPath[] => {
  const changes: FieldChangeOfPath[] = [];
  const walk = (before: unknown, after: unknown, at: string): void => {
    if (sameValue(before, after)) return;
    if (isPlainObject(before) && isPlainObject(after)) {
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
      for (const k of keys) {
        if (at === '' && (k === 'id' || k === 'version')) continue;
        walk(before[k], after[k], at ? `${at}.${k}` : k);
      }
      return;
    }
    if (Array.isArray(before) && Array.isArray(after) && !(isScalarArray(before) && isScalarArray(after))) {
      const n = Math.max(before.length, after.length);
      for (let i = 0; i < n; i++) walk(before[i], after[i], `${at}[${i}]`);
      return;
    }
    if (before === undefined) changes.push({ path: at, change: 'added', after });
    else if (after === undefined) changes.push({ path: at, change: 'removed', before });
    else changes.push({ path: at, change: 'changed', before, after });
  };
  walk(a, b, '');
  return changes;
};
