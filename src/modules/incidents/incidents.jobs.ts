import { Type } from '@sinclair/typebox';
import type { JobRunner } from '../../jobs/job-runner.js';
import { CADENCE_JOB, FANOUT_JOB, RCA_DUE_JOB, RESOLVE_TARGET_JOB, STATUS_FANOUT_JOB, STATUS_MAIL_JOB, TASK_DUE_JOB, type FanoutPayload, type IncidentsService } from './incidents.service.js';
import type { StatusMailPayload, StatusPageService } from './status-page.service.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export function registerIncidentJobs(jobs: JobRunner, incidents: IncidentsService, statusPage: StatusPageService): void {
  jobs.register<FanoutPayload>(FANOUT_JOB, {
    mode: 'transactional',
    loop: 'bulk', // a page of linked tickets per job: not in the timers' way
    schema: Type.Object({ incidentId: Type.String(), kind: Type.Union([Type.Literal('update'), Type.Literal('resolution')]), updateId: Nullable(Type.String()), actorId: Nullable(Type.String()), after: Nullable(Type.String()), phase: Type.Optional(Type.Literal('audience')) }),
    handle: (tx, job, now) => incidents.runFanout(tx, job.payload, now),
  });
  jobs.register<{ incidentId: string; audience: 'internal' | 'customer'; stage: 'communications_lead' | 'commander'; dueAt: number }>(CADENCE_JOB, {
    mode: 'transactional',
    schema: Type.Object({ incidentId: Type.String(), audience: Type.Union([Type.Literal('internal'), Type.Literal('customer')]), stage: Type.Union([Type.Literal('communications_lead'), Type.Literal('commander')]), dueAt: Type.Number() }),
    handle: (tx, job, now) => incidents.runCadence(tx, job.payload, now),
  });
  jobs.register<{ taskId: string; dueAt: number }>(TASK_DUE_JOB, {
    mode: 'transactional',
    schema: Type.Object({ taskId: Type.String(), dueAt: Type.Number() }),
    handle: (tx, job, now) => incidents.runTaskDue(tx, job.payload, now),
  });
  jobs.register<{ incidentId: string; dueAt: number }>(RCA_DUE_JOB, {
    mode: 'transactional',
    schema: Type.Object({ incidentId: Type.String(), dueAt: Type.Number() }),
    handle: (tx, job, now) => incidents.runRcaDue(tx, job.payload, now),
  });
  jobs.register<{ incidentId: string; dueAt: number }>(RESOLVE_TARGET_JOB, {
    mode: 'transactional',
    schema: Type.Object({ incidentId: Type.String(), dueAt: Type.Number() }),
    handle: (tx, job, now) => incidents.runResolveTarget(tx, job.payload, now),
  });
  jobs.register<{ incidentId: string; updateId: string | null; rca?: boolean; after: string | null }>(STATUS_FANOUT_JOB, {
    mode: 'transactional',
    loop: 'bulk',
    handle: (tx, job, now) => statusPage.runFanout(tx, job.payload, now),
  });
  jobs.register<StatusMailPayload>(STATUS_MAIL_JOB, {
    mode: 'external',
    handle: async (job) => {
      const r = await statusPage.sendMail(job.payload);
      return r.ok ? { ok: true, response: r.response } : { ok: false, retryable: r.retryable, response: r.response };
    },
  });
}
