/** The privacy module's jobs: deleting files after an erasure or purge committed, and the retention sweep. */
import { Type } from '@sinclair/typebox';
import type { JobRunner } from '../../jobs/job-runner.js';
import { FILES_DELETE_JOB, RETENTION_JOB, type FilesPayload, type PrivacyService } from './privacy.service.js';

const FilesSchema = Type.Object({ attachments: Type.Array(Type.String()), rawMail: Type.Array(Type.String()) });

export function registerPrivacyJobs(jobs: JobRunner, privacy: PrivacyService): void {
  jobs.register<FilesPayload>(FILES_DELETE_JOB, {
    mode: 'external',
    schema: FilesSchema,
    handle: async (job) => {
      await privacy.deleteFiles(job.payload);
    },
  });
  jobs.register(RETENTION_JOB, {
    mode: 'transactional',
    handle: async (tx, _job, now) => {
      await privacy.sweepRetention(tx, now);
    },
  });
}
