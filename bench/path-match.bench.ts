/**
 * Path matching speed: 500 active generated paths, 2,000 generated tickets (bodies ~2 KB,
 * Japanese and English). Prints µs per ticket. Run: npx tsx bench/path-match.bench.ts
 */
import { report } from './config.js';
import { performance } from 'node:perf_hooks';
import { compilePaths, matchPaths } from '../src/modules/paths/path.policy.js';
import type { MatchTicket, Path } from '../src/modules/paths/path.types.js';

let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const some = <T>(xs: readonly T[], max: number): T[] => [
  ...new Set(Array.from({ length: Math.floor(rand() * (max + 1)) }, () => pick(xs))),
];

const categories = Array.from({ length: 40 }, (_, i) => `category-${i}`);
const products = Array.from({ length: 30 }, (_, i) => `product-${i}`);
const tags = Array.from({ length: 60 }, (_, i) => `tag-${i}`);
const words = [
  'refund',
  'outage',
  'invoice',
  'password',
  'lawyer',
  'cancel',
  'crash',
  'slow',
  '返金',
  '障害',
  '解約',
  '請求',
  'エラー',
  'ログイン',
  '至急',
  '弁護士',
];
const filler =
  'いつもお世話になっております。The service has been behaving oddly since yesterday and we would like you to look into it. ';

const makePaths = (vocabulary: readonly string[]): Path[] =>
  Array.from({ length: 500 }, (_, i) => ({
    id: `p${i}`,
    version: 1,
    name: `Path ${i}`,
    purpose: '',
    ownerId: 'owner',
    reviewIntervalDays: 90,
    active: true,
    conditions: {
      categories: rand() < 0.6 ? some(categories, 3) : [],
      products: rand() < 0.4 ? some(products, 2) : [],
      tags: rand() < 0.3 ? some(tags, 3) : [],
      tagMode: rand() < 0.5 ? 'any' : 'all',
      priorities: rand() < 0.4 ? some(['low', 'normal', 'high', 'urgent'] as const, 2) : [],
      channels: rand() < 0.3 ? some(['email', 'web', 'chat', 'phone', 'api'] as const, 2) : [],
      customerTiers: rand() < 0.2 ? some(['gold', 'silver', 'bronze'], 1) : [],
      customerTemperatures: rand() < 0.2 ? some(['upset', 'angry'] as const, 2) : [],
      keywords: rand() < 0.7 ? some(vocabulary, 4) : [],
    },
    levels: [],
    fallbackUserIds: [],
    fallbackTeamId: null,
  }));

const tickets: MatchTicket[] = Array.from({ length: 2000 }, () => ({
  category: pick(categories),
  product: pick(products),
  tags: some(tags, 4),
  priority: pick(['low', 'normal', 'high', 'urgent'] as const),
  channel: pick(['email', 'web', 'chat', 'phone', 'api'] as const),
  customerTier: pick(['gold', 'silver', 'bronze', null]),
  temperature: pick(['calm', 'concerned', 'upset', 'angry'] as const),
  subject: `${pick(words)} について / about ${pick(words)}`,
  body: filler.repeat(12) + pick(words) + filler.repeat(4),
}));

const run = (label: string, paths: Path[]): void => {
  const t0 = performance.now();
  const compiled = compilePaths(paths);
  const compileMs = performance.now() - t0;
  let matches = 0;
  for (let round = 0; round < 3; round++) for (const t of tickets) matches += matchPaths(compiled, t).length; // warm-up
  matches = 0;
  const runs = 5;
  const start = performance.now();
  for (let round = 0; round < runs; round++)
    for (const t of tickets) matches += matchPaths(compiled, t).length;
  const us = ((performance.now() - start) * 1000) / (runs * tickets.length);
  console.log(
    `${label}: ${paths.length} active paths, ${compiled.keywords.length} distinct keywords, compile ${compileMs.toFixed(2)} ms`,
  );
  console.log(
    `  ${tickets.length} tickets × ${runs} runs, body ≈ ${tickets[0]?.body.length} chars, ${(matches / (runs * tickets.length)).toFixed(1)} matches/ticket`,
  );
  console.log(`  path matching: ${us.toFixed(1)} µs/ticket (target < 50 µs)`);
  report({
    harness: 'path-match',
    figure: `path matching, ${paths.length} paths, ${label}`,
    db: '-',
    case: '-',
    value: us,
    unit: 'µs/ticket',
  });
};

run('shared vocabulary', makePaths(words));
run('large vocabulary', makePaths([...words, ...Array.from({ length: 1000 }, (_, i) => `keyword-${i}`)]));
