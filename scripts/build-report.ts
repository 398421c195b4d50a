/**
 * `npm run build:report` (after `npm run build:web`): what the browser downloads for the first
 * screen (index.html's entry + its static imports, then the queue page's chunk
 * and the current language's core messages, with their static imports), as raw, gzip and brotli bytes,
 * and every other chunk. With `--sources` it also lists, per first-screen chunk, the biggest
 * source modules (from the source maps), which is how to find what to split next.
 * Issue 15's budget: the first screen's script ≤ 200 kB gzip (`--budget 200` exits 1 above it).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { SourceMapConsumer } from 'source-map-js';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist', 'web');
const assets = join(dist, 'assets');
const args = process.argv.slice(2);
const budgetArg = args.indexOf('--budget');
const budget = budgetArg >= 0 ? Number(args[budgetArg + 1]) : null;
const withSources = args.includes('--sources');

if (!existsSync(join(dist, 'index.html'))) {
  console.error('dist/web/index.html is missing: run `npm run build:web` first');
  process.exit(2);
}

interface Size {
  raw: number;
  gzip: number;
  brotli: number;
}
const sizes = new Map<string, Size>();
function sizeOf(file: string): Size {
  let s = sizes.get(file);
  if (!s) {
    const buf = readFileSync(join(assets, file));
    s = {
      raw: buf.length,
      gzip: gzipSync(buf, { level: 9 }).length,
      brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
    sizes.set(file, s);
  }
  return s;
}

const code = (file: string) => readFileSync(join(assets, file), 'utf8');
/** Static imports of a built chunk (`import … from "./x.js"`, `import "./x.js"`), not `import("./x.js")`. */
function staticImports(file: string): string[] {
  const src = code(file);
  const out = new Set<string>();
  for (const m of src.matchAll(/(?:\bfrom\s*|\bimport\s*)["']\.\/([^"']+\.js)["']/g)) out.add(m[1]!);
  return [...out];
}
/** A chunk and everything it statically imports, transitively. */
function closure(start: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...start];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...staticImports(f));
  }
  return seen;
}

const html = readFileSync(join(dist, 'index.html'), 'utf8');
const entries = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]!);
const chunks = readdirSync(assets).filter((f) => f.endsWith('.js'));
const named = (prefix: string) => chunks.filter((f) => f.startsWith(`${prefix}-`));

const kb = (n: number) => (n / 1000).toFixed(1).padStart(7);
function table(title: string, files: Iterable<string>): Size {
  const list = [...files].sort((a, b) => sizeOf(b).gzip - sizeOf(a).gzip);
  const total: Size = { raw: 0, gzip: 0, brotli: 0 };
  console.log(`\n${title}`);
  console.log(`  ${'chunk'.padEnd(44)} ${'raw kB'.padStart(7)} ${'gzip kB'.padStart(7)} ${'br kB'.padStart(7)}`);
  for (const f of list) {
    const s = sizeOf(f);
    total.raw += s.raw;
    total.gzip += s.gzip;
    total.brotli += s.brotli;
    console.log(`  ${f.padEnd(44)} ${kb(s.raw)} ${kb(s.gzip)} ${kb(s.brotli)}`);
  }
  console.log(`  ${'total'.padEnd(44)} ${kb(total.raw)} ${kb(total.gzip)} ${kb(total.brotli)}`);
  return total;
}

/** Bytes of a chunk's minified code attributed to each source module (via its source map). */
function sourcesOf(file: string): [string, number][] {
  const mapFile = join(assets, `${file}.map`);
  if (!existsSync(mapFile)) return [];
  const consumer = new SourceMapConsumer(JSON.parse(readFileSync(mapFile, 'utf8')));
  const lines = code(file).split('\n');
  const bytes = new Map<string, number>();
  let prev: { line: number; col: number; source: string | null } | null = null;
  const flush = (line: number, col: number) => {
    if (!prev || !prev.source) return;
    const len = prev.line === line ? col - prev.col : lines[prev.line - 1]!.length - prev.col;
    const name = prev.source.replace(/^(\.\.\/)+/, '').replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, 'npm:$1');
    bytes.set(name, (bytes.get(name) ?? 0) + Math.max(0, len));
  };
  consumer.eachMapping((m) => {
    flush(m.generatedLine, m.generatedColumn);
    prev = { line: m.generatedLine, col: m.generatedColumn, source: m.source };
  });
  return [...bytes].sort((a, b) => b[1] - a[1]);
}

const languages = ['ja', 'en'] as const;
let worst = 0;
for (const lng of languages) {
  // The first screen after sign-in: /queues/mine, in the agent area, with this language's messages.
  const first = closure([...entries, ...named('queue'), ...named(`core.${lng}`)]);
  const total = table(`First screen (/queues/mine, ${lng}): entry + queue chunk + ${lng} messages`, first);
  worst = Math.max(worst, total.gzip);
  console.log(`BENCH-RESULT ${JSON.stringify({ harness: 'build', figure: 'first screen script', db: '-', case: lng, value: Math.round(total.gzip / 100) / 10, unit: 'kB gzip' })}`);
  if (withSources && lng === 'ja') {
    for (const f of first) {
      console.log(`\n  ${f}: biggest modules (raw minified bytes)`);
      for (const [name, n] of sourcesOf(f).slice(0, 15)) console.log(`    ${kb(n)} kB  ${name}`);
    }
  }
}
const firstAll = closure([...entries, ...named('queue'), ...languages.flatMap((l) => named(`core.${l}`))]);
table('Every other chunk (loaded when its area or language is opened)', chunks.filter((f) => !firstAll.has(f)));

if (budget !== null && worst / 1000 > budget) {
  console.error(`\nfirst screen ${kb(worst).trim()} kB gzip is over the budget of ${budget} kB`);
  process.exit(1);
}
