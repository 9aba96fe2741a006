import { fromJson, toJson, type SqlValue } from '../sqlite';
import type { RepoContext } from './context';

export type JobStatus = 'PENDING' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'DEAD';

export interface JobRow<P = unknown> {
  id: number; jobType: string; payload: P; status: JobStatus; attempts: number; maxAttempts: number;
  nextRunAt: string; leaseOwner: string | null; leaseExpiresAt: string | null; idempotencyKey: string | null;
  workItemId: number | null; lastError: string | null; createdAt: string; updatedAt: string; completedAt: string | null;
}

export interface NewJob {
  jobType: string; payload: unknown; idempotencyKey?: string | null; workItemId?: number | null;
  maxAttempts?: number; runAt?: Date;
}

type RawJob = Omit<JobRow, 'payload'> & { payload: SqlValue };
const COLS = `id, job_type AS jobType, payload, status, attempts, max_attempts AS maxAttempts, next_run_at AS nextRunAt,
  lease_owner AS leaseOwner, lease_expires_at AS leaseExpiresAt, idempotency_key AS idempotencyKey,
  work_item_id AS workItemId, last_error AS lastError, created_at AS createdAt, updated_at AS updatedAt, completed_at AS completedAt`;

const addMs = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

/** sync_job_queue: durable work with leases, backoff and a dead letter. */
export class JobRepository {
  constructor(private readonly c: RepoContext) {}

  /** Idempotent on idempotencyKey: returns the existing job when the key is known. */
  enqueue(j: NewJob): JobRow {
    const t = this.c.now();
    if (j.idempotencyKey) {
      const existing = this.c.sql.get<RawJob>(`SELECT ${COLS} FROM sync_job_queue WHERE idempotency_key = ?`, [j.idempotencyKey]);
      if (existing) return decode(existing);
    }
    const id = this.c.sql.insert(
      `INSERT INTO sync_job_queue (job_type, payload, max_attempts, next_run_at, idempotency_key, work_item_id, created_at, updated_at)
       VALUES (?,?,?,?,?,?,?,?)`,
      [j.jobType, toJson(j.payload) ?? 'null', j.maxAttempts ?? 5, j.runAt?.toISOString() ?? t, j.idempotencyKey ?? null,
        j.workItemId ?? null, t, t]);
    return this.get(id)!;
  }

  get(id: number): JobRow | undefined {
    const r = this.c.sql.get<RawJob>(`SELECT ${COLS} FROM sync_job_queue WHERE id = ?`, [id]);
    return r && decode(r);
  }

  /** Leases up to n due PENDING jobs in one transaction (sql.js is single-threaded: no interleaving). */
  lease(owner: string, n: number, leaseMs: number): JobRow[] {
    const t = this.c.now();
    const until = addMs(t, leaseMs);
    return this.c.sql.tx(() => {
      const due = this.c.sql.all<{ id: number }>(
        `SELECT id FROM sync_job_queue WHERE status = 'PENDING' AND next_run_at <= ? ORDER BY next_run_at, id LIMIT ?`, [t, n]);
      for (const { id } of due) {
        this.c.sql.run(
          `UPDATE sync_job_queue SET status = 'IN_PROGRESS', lease_owner = ?, lease_expires_at = ?, updated_at = ? WHERE id = ?`,
          [owner, until, t, id]);
      }
      return due.map(({ id }) => this.get(id)!);
    });
  }

  /** Leases this one job if it is due and PENDING (a worker that runs its own run's jobs). */
  claim(id: number, owner: string, leaseMs: number): boolean {
    const t = this.c.now();
    return this.c.sql.run(
      `UPDATE sync_job_queue SET status = 'IN_PROGRESS', lease_owner = ?, lease_expires_at = ?, updated_at = ?
       WHERE id = ? AND status = 'PENDING'`, [owner, addMs(t, leaseMs), t, id]) > 0;
  }

  /** At startup of the one writer: work left by a dead process is re-planned by the next sync, not replayed. */
  abandonUnfinished(reason: string): number {
    const t = this.c.now();
    return this.c.sql.run(
      `UPDATE sync_job_queue SET status = 'FAILED', last_error = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
       WHERE status IN ('PENDING', 'IN_PROGRESS')`, [reason, t]);
  }

  complete(id: number): void {
    const t = this.c.now();
    this.c.sql.run(
      `UPDATE sync_job_queue SET status = 'COMPLETED', completed_at = ?, updated_at = ?, lease_owner = NULL, lease_expires_at = NULL,
        last_error = NULL WHERE id = ?`, [t, t, id]);
  }

  /** Consumes an attempt; dead-letters after maxAttempts, else retries after backoffMs. Returns the new status. */
  fail(id: number, error: string, backoffMs: number): JobStatus {
    const t = this.c.now();
    this.c.sql.run(
      `UPDATE sync_job_queue SET attempts = attempts + 1, last_error = ?, updated_at = ?, lease_owner = NULL, lease_expires_at = NULL,
        status = CASE WHEN attempts + 1 >= max_attempts THEN 'DEAD' ELSE 'PENDING' END,
        next_run_at = ? WHERE id = ?`, [error, t, addMs(t, backoffMs), id]);
    return this.get(id)!.status;
  }

  /** A failure no retry can mend (or the last attempt): straight to the dead letter. */
  deadLetter(id: number, error: string): void {
    this.c.sql.run(
      `UPDATE sync_job_queue SET status = 'DEAD', attempts = attempts + 1, last_error = ?, lease_owner = NULL, lease_expires_at = NULL,
        updated_at = ? WHERE id = ?`, [error, this.c.now(), id]);
  }

  /** Back to PENDING at runAt without consuming an attempt (rate limit, Retry-After). */
  reschedule(id: number, runAt: Date, reason?: string): void {
    this.c.sql.run(
      `UPDATE sync_job_queue SET status = 'PENDING', next_run_at = ?, lease_owner = NULL, lease_expires_at = NULL,
        last_error = COALESCE(?, last_error), updated_at = ? WHERE id = ?`, [runAt.toISOString(), reason ?? null, this.c.now(), id]);
  }

  /** Jobs whose holder vanished return to PENDING. */
  releaseExpiredLeases(): number {
    const t = this.c.now();
    return this.c.sql.run(
      `UPDATE sync_job_queue SET status = 'PENDING', lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
       WHERE status = 'IN_PROGRESS' AND lease_expires_at <= ?`, [t, t]);
  }

  recentForWorkItem(workItemId: number, limit = 20): JobRow[] {
    return this.c.sql.all<RawJob>(
      `SELECT ${COLS} FROM sync_job_queue WHERE work_item_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, [workItemId, limit]).map(decode);
  }

  countByStatus(): Record<JobStatus, number> {
    const out: Record<JobStatus, number> = { PENDING: 0, IN_PROGRESS: 0, COMPLETED: 0, FAILED: 0, DEAD: 0 };
    for (const r of this.c.sql.all<{ status: JobStatus; n: number }>(`SELECT status, COUNT(*) AS n FROM sync_job_queue GROUP BY status`)) out[r.status] = r.n;
    return out;
  }
}

function decode(r: RawJob): JobRow {
  return { ...r, payload: fromJson(r.payload) };
}
