import type { Container } from './container.js';
import type { Metrics } from './http/metrics.js';
import { startImapPoller, startSmtpReceiver } from './modules/intake-email/index.js';

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
    await deps.privacy.scheduleRetention();
    await deps.jobs.start();
    stops.push(() => deps.jobs.stop());
  }
  if (deps.config.smtpIn.enabled) {
    const { smtpIn } = deps.config;
    const receiver = await startSmtpReceiver(deps.intakeEmail, deps.logger, { host: smtpIn.host, port: smtpIn.port, maxBytes: smtpIn.maxBytes, addresses: smtpIn.addresses });
    stops.push(() => receiver.close());
  }
  if (deps.config.roles.worker && deps.config.imap.mailboxes.length > 0) {
    const poller = startImapPoller(deps.intakeEmail, deps.logger, { mailboxes: deps.config.imap.mailboxes, intervalMs: deps.config.imap.pollSeconds * 1000 });
    stops.push(() => poller.stop());
  }
  return {
    // All at once: the runner stops claiming while the SMTP receiver stops accepting. Each
    // gets the grace period (the runner releases what is left itself; an SMTP client whose
    // message was not yet acknowledged sends it again).
    stop: async () => {
      const grace = deps.config.shutdownGraceMs + 1000;
      await Promise.all(
        stops.map(async (s) => {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([s(), new Promise<void>((r) => (timer = setTimeout(r, grace)))]);
          clearTimeout(timer);
        }),
      );
    },
  };
}
