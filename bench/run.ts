/**
 * `npm run bench`: runs every harness under bench/ one after another (each prints its own
 * figures), or only those named: `npm run bench -- replies timers`. Harnesses that start the
 * compiled server need `npm run build` first; this runs it when dist/ is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

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
if (!existsSync(join(root, 'dist'))) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
let failed = 0;
for (const name of wanted.length ? wanted : all) {
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, `${name}.bench.ts`)], { cwd: root, stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    failed++;
    console.error(`${name}: exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
