import type { Container } from './container.js';
import type { Metrics } from './http/metrics.js';

export interface RunningRoles {
  stop(): Promise<void>;
}

/**
 * Background roles of a node (the worker that fires timers and delivers jobs, the SMTP
 * receiver). Each capability adds its role here.
 */
export async function startRoles(deps: Container, metrics: Metrics): Promise<RunningRoles> {
  const stops: (() => Promise<void>)[] = [];
  if (deps.config.roles.worker) {
    deps.jobs.observe((job, firedAt, outcome) => {
      metrics.jobsRun.inc({ kind: job.kind, outcome });
      if (job.attempts === 1) metrics.jobLateness.observe({ kind: job.kind }, Math.max(0, firedAt - job.dueAt) / 1000);
    });
    await deps.jobs.start();
    stops.push(() => deps.jobs.stop());
  }
  return {
    stop: async () => {
      for (const s of stops.reverse()) await s();
    },
  };
}
