// Runs one run's transfers through the durable job queue (sync_job_queue): each becomes a job with
// an idempotency key, leased while it runs, retried with exponential backoff and full jitter on
// transient failures, rescheduled without using an attempt on a rate limit, and dead-lettered
// after maxAttempts. At most `concurrency` run at once. Failures that a retry cannot mend
// (authentication, preflight, a 4xx) fail their item at once; an authentication error stops the run.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AdoError, AuthenticationError, CancelledError, IntegrityError, RateLimitedError } from '../../ado';
import type { SyncStore } from '../../store';
import { decideRetry } from './retryDecision';

export interface JobSpec<P> {
  /** Unique within the run: the idempotency key is `<runId>:<key>`. */
  key: string;
  type: string;
  workItemId: number;
  payload: P;
}

export interface WorkerOptions {
  runId: number;
  concurrency: number;
  maxAttempts: number;
  signal?: AbortSignal;
  random?: () => number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  leaseMs?: number;
  log?: (message: string) => void;
}

export type JobResult<P, R> = { spec: JobSpec<P>; ok: true; value: R } | { spec: JobSpec<P>; ok: false; error: unknown };

/** A failure that stops the whole run, not only its item. */
export class RunAbortedError extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'RunAbortedError';
  }
}

export function isTransient(error: unknown): boolean {
  if (error instanceof IntegrityError) return true;
  if (error instanceof AdoError) return error.retryable;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'EPIPE';
}

export async function runJobs<P, R>(store: SyncStore, specs: readonly JobSpec<P>[], handler: (spec: JobSpec<P>, attempt: number) => Promise<R>,
  options: WorkerOptions, onResult: (result: JobResult<P, R>) => void): Promise<void> {
  const owner = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 15 * 60_000;
  // One job per key: identical content planned twice in a run (two names, same bytes) goes up once.
  const unique = [...new Map(specs.map((spec) => [spec.key, spec])).values()];
  const queue = unique.map((spec) => ({
    spec,
    id: store.jobs.enqueue({ jobType: spec.type, payload: spec.payload, workItemId: spec.workItemId, maxAttempts: Math.max(1, options.maxAttempts),
      idempotencyKey: `${options.runId}:${spec.key}` }).id,
    attempts: 0,
    dueAt: 0,
  }));
  let aborted: unknown;
  const next = () => {
    const now = Date.now();
    const i = queue.findIndex((j) => j.dueAt <= now);
    return i === -1 ? undefined : queue.splice(i, 1)[0];
  };
  const lane = async (): Promise<void> => {
    while (queue.length > 0 && aborted === undefined && !options.signal?.aborted) {
      const job = next();
      if (!job) {
        const wait = Math.max(5, Math.min(...queue.map((j) => j.dueAt)) - Date.now());
        await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
        continue;
      }
      if (!store.jobs.claim(job.id, owner, leaseMs)) continue;
      try {
        const value = await handler(job.spec, job.attempts);
        store.jobs.complete(job.id);
        onResult({ spec: job.spec, ok: true, value });
      } catch (error) {
        const verdict = decide(error, job.attempts, options);
        if (verdict.kind === 'abort') aborted = error;
        if (verdict.kind === 'retry' || verdict.kind === 'reschedule') {
          if (verdict.kind === 'retry') store.jobs.fail(job.id, message(error), verdict.runAfterMs);
          else store.jobs.reschedule(job.id, new Date(Date.now() + verdict.runAfterMs), message(error));
          options.log?.(`${job.spec.key}: ${message(error)}; trying again in ${verdict.runAfterMs} ms`);
          queue.push({ ...job, attempts: verdict.attempts, dueAt: Date.now() + verdict.runAfterMs });
          continue;
        }
        store.jobs.deadLetter(job.id, message(error));
        onResult({ spec: job.spec, ok: false, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, queue.length)) }, lane));
  // Whatever is left was cancelled or stopped by an abort: it fails its item, visibly.
  for (const job of queue) {
    store.jobs.deadLetter(job.id, aborted === undefined ? 'cancelled' : `run stopped: ${message(aborted)}`);
    onResult({ spec: job.spec, ok: false, error: aborted ?? new CancelledError('Cancelled before it started') });
  }
  if (aborted !== undefined) throw new RunAbortedError(aborted);
}

type Verdict = { kind: 'retry' | 'reschedule'; attempts: number; runAfterMs: number } | { kind: 'fail' } | { kind: 'abort' };

function decide(error: unknown, attempts: number, o: WorkerOptions): Verdict {
  if (error instanceof AuthenticationError) return { kind: 'abort' };
  if (error instanceof CancelledError || o.signal?.aborted) return { kind: 'fail' };
  if (!isTransient(error)) return { kind: 'fail' };
  const retryAfterMs = error instanceof RateLimitedError ? error.retryAfterMs : undefined;
  const d = decideRetry({ attempts, maxAttempts: o.maxAttempts, retryAfterMs, baseDelayMs: o.baseDelayMs ?? 500, maxDelayMs: o.maxDelayMs ?? 30_000, random: o.random ?? Math.random });
  return d.kind === 'deadLetter' ? { kind: 'fail' } : d;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
