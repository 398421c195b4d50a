import type { Container } from './container.js';
import type { Metrics } from './http/metrics.js';

export interface RunningRoles {
  stop(): Promise<void>;
}

/**
 * Background roles of a node (the worker that fires timers and delivers jobs, the SMTP
 * receiver). Each capability adds its role here.
 */
export async function startRoles(_deps: Container, _metrics: Metrics): Promise<RunningRoles> {
  const stops: (() => Promise<void>)[] = [];
  return {
    stop: async () => {
      for (const s of stops.reverse()) await s();
    },
  };
}
