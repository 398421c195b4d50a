/** BENCH_PROFILE=<file.cpuprofile>: a CPU profile of one part of a benchmark (open it in Chrome DevTools). */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/** Starts profiling when BENCH_PROFILE names a file; the returned stop() writes the profile there. */
export async function startProfile(file = process.env.BENCH_PROFILE): Promise<() => Promise<void>> {
  if (!file) return async () => undefined;
  const session = new Session();
  const post = (m: string) => new Promise<unknown>((res, rej) => session.post(m, (e, r) => (e ? rej(e) : res(r))));
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}
