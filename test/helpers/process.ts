import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const CLI = ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')];

/** Runs the escalon CLI from source and waits for it. */
export function runCli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `escalon start` from source; resolves with the process and its URL once it listens. */
export function startServerProcess(env: Record<string, string>, opts: { built?: boolean } = {}): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  // built: run the compiled server (npm run build) as `npm start` does, instead of from source.
  const args = opts.built ? [join(ROOT, 'bin', 'escalon.js'), 'start'] : [...CLI, 'start'];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ESCALON_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s)]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}
