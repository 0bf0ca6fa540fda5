import { MongoBackend } from '@agendajs/mongo-backend';
import type { AgendaBackend, JobId, JobParameters, JobRepository, JobRepositoryOptions } from 'agenda';
import type { Db, ObjectId } from 'mongodb';
import { isDuplicateKey } from '../store/duplicate-key';

const CLAIMS_COLLECTION = 'job_claims';
const CLAIM_RETENTION_MS = 24 * 3_600_000;
const CLEANUP_EVERY_MS = 3_600_000;

interface JobDocument {
  _id: ObjectId;
  name: string;
  nextRunAt: Date | null;
  lockedAt: Date | null;
}

interface ClaimDocument {
  _id: string;
  jobId: string;
  claimedAt: Date;
}

/**
 * agenda's Mongo backend locks a job with one `findOneAndUpdate`. FerretDB 1.24 (SQLite) runs that
 * as "query, then write by _id" without re-checking the filter, so two workers can both lock the
 * same job (we saw every job run twice with two workers). A unique insert is atomic on FerretDB
 * and MongoDB alike, so each lock occasion (job, nextRunAt, previous lock) is first claimed by
 * inserting its key; only the winner locks and runs the job.
 */
export function createClaimingBackend(db: Db, collection = 'jobs'): AgendaBackend {
  const backend = new MongoBackend({ mongo: db, collection });
  const jobs = db.collection<JobDocument>(collection);
  const claims = db.collection<ClaimDocument>(CLAIMS_COLLECTION);
  let lastCleanup = 0;

  const claim = async (job: JobDocument, now: Date): Promise<boolean> => {
    const key = `${job._id.toHexString()}:${job.nextRunAt?.getTime() ?? 'none'}:${job.lockedAt?.getTime() ?? 'free'}`;
    try {
      await claims.insertOne({ _id: key, jobId: job._id.toHexString(), claimedAt: now });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  };

  const forgetOldClaims = async (now: Date) => {
    if (now.getTime() - lastCleanup < CLEANUP_EVERY_MS) return;
    lastCleanup = now.getTime();
    await claims.deleteMany({ claimedAt: { $lt: new Date(now.getTime() - CLAIM_RETENTION_MS) } });
  };

  const wrap = (inner: JobRepository): JobRepository => {
    const getNextJobToRun = async (
      jobName: string,
      nextScanAt: Date,
      lockDeadline: Date,
      now: Date | undefined,
      options: JobRepositoryOptions | undefined,
    ): Promise<JobParameters | undefined> => {
      const lockTime = now ?? new Date();
      await forgetOldClaims(lockTime);
      const candidates = await jobs
        .find({
          name: jobName,
          disabled: { $ne: true },
          $or: [{ lockedAt: null, nextRunAt: { $lte: nextScanAt } }, { lockedAt: { $lte: lockDeadline } }],
        })
        .sort({ nextRunAt: 1, priority: -1 })
        .limit(10)
        .toArray();
      for (const candidate of candidates) {
        if (!(await claim(candidate, lockTime))) continue;
        // We own this occasion: a stale lock (its worker died) is cleared so lockJob can take it.
        if (candidate.lockedAt) await jobs.updateOne({ _id: candidate._id }, { $set: { lockedAt: null } });
        const locked = await inner.lockJob(
          {
            _id: candidate._id.toHexString() as JobId,
            name: candidate.name,
            nextRunAt: candidate.nextRunAt,
          } as JobParameters,
          options,
        );
        if (locked) return locked;
      }
      return undefined;
    };

    // An unlocked job (agenda stopping, or over its lock limit) must be claimable again.
    const releaseClaims = (ids: (JobId | string)[]) =>
      claims.deleteMany({ jobId: { $in: ids.map((id) => String(id)) } }).then(() => undefined);

    return new Proxy(inner, {
      get(target, property) {
        if (property === 'getNextJobToRun') return getNextJobToRun;
        if (property === 'unlockJob') {
          return async (job: JobParameters) => {
            await target.unlockJob(job);
            if (job._id) await releaseClaims([job._id]);
          };
        }
        if (property === 'unlockJobs') {
          return async (ids: (JobId | string)[]) => {
            await target.unlockJobs(ids);
            await releaseClaims(ids);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };

  let repository: JobRepository | undefined;
  return new Proxy(backend, {
    get(target, property) {
      if (property === 'repository') {
        repository ??= wrap(target.repository);
        return repository;
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
