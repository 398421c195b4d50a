/** Small HTTP load generator (keep-alive, fixed concurrency) shared by the API benchmarks. */
import http from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function runLoad(opts: {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: (i: number) => string;
  concurrency: number;
  seconds: number;
  expectStatus: number;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const u = new URL(opts.url);
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const end = performance.now() + opts.seconds * 1000;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const body = opts.body(i);
      const t0 = performance.now();
      const req = http.request(
        {
          agent,
          hostname: u.hostname,
          port: u.port,
          path: u.pathname + u.search,
          method: opts.method,
          headers: { ...opts.headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            if (res.statusCode !== opts.expectStatus) errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const start = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < end) await one(n++);
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
  };
}
