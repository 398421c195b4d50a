/**
 * `npm run bench`: runs every harness bench/*.bench.ts one after another (each prints its own
 * figures as it goes), or only those named: `npm run bench -- tickets timers`, then prints one
 * summary table of the figures they reported (lines `BENCH-RESULT {json}`, see
 * bench/config.ts `report`). A new harness is picked up by its file name; nothing to register.
 * The compiled server (which the API harnesses start) is rebuilt first, so the figures are
 * those of the code in the tree; BENCH_NO_BUILD=1 skips that.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

interface Result {
  harness: string;
  figure: string;
  db: string;
  case: string;
  value: number | null;
  unit: string;
}

const dir = import.meta.dirname;
const root = join(dir, '..');
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}
if (process.env.BENCH_NO_BUILD !== '1') {
  const build = spawnSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const results: Result[] = [];
const failed: string[] = [];
const started = Date.now();
for (const name of wanted.length ? wanted : all) {
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(dir, `${name}.bench.ts`)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    if (line.startsWith('BENCH-RESULT ')) {
      try {
        results.push(JSON.parse(line.slice('BENCH-RESULT '.length)) as Result);
      } catch {
        console.log(line);
      }
    } else console.log(line);
  });
  const code = await new Promise<number | string>((resolve) =>
    child.on('close', (c, s) => resolve(c ?? s ?? 1)),
  );
  if (code !== 0) {
    failed.push(name);
    console.error(`${name}: exited with ${code}`);
  }
  console.log(`(${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

const fmt = (v: number | null) =>
  v === null || !Number.isFinite(v)
    ? 'failed'
    : v >= 100
      ? Math.round(v).toLocaleString('en')
      : String(Number(v.toPrecision(3)));
const header = ['harness', 'figure', 'db', 'bare', 'configured', 'unit'];
const rows: string[][] = [];
const key = (r: Result) => `${r.harness}\u0000${r.figure}\u0000${r.db}\u0000${r.unit}`;
const grouped = new Map<string, Result[]>();
for (const r of results) grouped.set(key(r), [...(grouped.get(key(r)) ?? []), r]);
for (const rs of grouped.values()) {
  const of = (c: string) =>
    rs
      .filter((r) => r.case === c || (c === 'configured' && r.case === '-'))
      .map((r) => fmt(r.value))
      .join(' / ') || '–';
  rows.push([rs[0]!.harness, rs[0]!.figure, rs[0]!.db, of('bare'), of('configured'), rs[0]!.unit]);
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) =>
  `| ${cells.map((c, i) => (i >= 3 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
console.log(
  `\n=== summary (${((Date.now() - started) / 1000).toFixed(0)} s; configuration: bench/config.ts) ===`,
);
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
if (failed.length) console.log(`failed: ${failed.join(', ')}`);
process.exit(failed.length ? 1 : 0);
