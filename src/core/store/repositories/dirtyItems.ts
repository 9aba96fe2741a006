import type { RepoContext } from './context';

/** Why a work item was marked: what the history and the tree show as the cause of a sync. */
export type DirtyReason = 'manual' | 'attach' | 'feed' | 'webhook' | 'local' | 'retry' | 'first-sync';

export type DirtyStatus = 'PENDING' | 'IN_PROGRESS' | 'BLOCKED';

export interface DirtyItemRow {
  workItemId: number; projectName: string; reasons: DirtyReason[]; force: boolean; replace: boolean; retryFailed: boolean;
  status: DirtyStatus; attempts: number; nextRunAt: string; leaseOwner: string | null; leaseExpiresAt: string | null;
  /** The process whose runs wait for the item (see MarkOptions.reserve). */
  reservedBy: string | null;
  blockedReason: string | null; blockedDetails: Record<string, unknown> | null; lastError: string | null; lastErrorCode: string | null;
  markSeq: number; firstMarkedAt: string; lastMarkedAt: string; updatedAt: string;
}

export interface MarkOptions {
  /** The user confirmed a tripped max-delete brake. */
  force?: boolean;
  /** A changed file replaces its previous version in ADO. */
  replace?: boolean;
  /** Retry what failed permanently before (an explicit user action). */
  retryFailed?: boolean;
  /**
   * The process that asked waits for the items: they stay its to claim (other owners skip them)
   * until it has processed them or the reservation expires; one processing them now finishes first. A
   * live reservation of another process is not taken over: that one claims first.
   */
  reserve?: { owner: string; leaseMs: number };
}

/**
 * Due rows (pending ones whose time has come, claimed ones whose lease ran out) that no other
 * owner's live reservation holds. Params: now, now, owner, now.
 */
export const CLAIMABLE = `((status = 'PENDING' AND next_run_at <= ?) OR (status = 'IN_PROGRESS' AND lease_expires_at < ?))
  AND (reserved_by IS NULL OR reserved_by = ? OR reserved_until < ?)`;

export interface RawDirtyRow extends Omit<DirtyItemRow, 'reasons' | 'force' | 'replace' | 'retryFailed' | 'blockedDetails'> {
  reasons: string; force: number; replace: number; retryFailed: number; blockedDetails: string | null;
}

export const DIRTY_COLS = `work_item_id AS workItemId, project_name AS projectName, reasons, force, replace_versions AS replace,
  retry_failed AS retryFailed, status, attempts, next_run_at AS nextRunAt, lease_owner AS leaseOwner,
  lease_expires_at AS leaseExpiresAt, reserved_by AS reservedBy, blocked_reason AS blockedReason, blocked_details AS blockedDetails,
  last_error AS lastError, last_error_code AS lastErrorCode, mark_seq AS markSeq, first_marked_at AS firstMarkedAt,
  last_marked_at AS lastMarkedAt, updated_at AS updatedAt`;

/**
 * What marking an already dirty item changes: its reasons accumulate. A blocked item waits for the
 * user: a change seen in the background leaves it blocked; the user's own sync plans it again (with
 * the settings of now), and only `force` overrides the brake.
 */
export function remark(row: DirtyItemRow, reason: DirtyReason, options: MarkOptions): { reasons: DirtyReason[]; unblock: boolean } {
  const reasons = row.reasons.includes(reason) ? row.reasons : [...row.reasons, reason];
  const unblock = row.status === 'BLOCKED' && (options.force === true || reason === 'manual' || reason === 'attach');
  return { reasons, unblock };
}

/** A claimed row given back: pending again. */
export const RELEASED = `status = CASE WHEN status = 'IN_PROGRESS' THEN 'PENDING' ELSE status END, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?`;

/** Params: owner, until, project, work item, owner, now. */
export const RESERVE = `UPDATE sync_job_queue SET reserved_by = ?, reserved_until = ? WHERE project_name = ? AND work_item_id = ?
  AND (reserved_by IS NULL OR reserved_by = ? OR reserved_until < ?)`;
/**
 * A completed processing by the process that reserved the item served its waiting runs: the
 * reservation ends (SET clause, old values). One made by another process meanwhile stays.
 */
export const SERVED = `reserved_until = CASE WHEN reserved_by = lease_owner THEN NULL ELSE reserved_until END,
  reserved_by = CASE WHEN reserved_by = lease_owner THEN NULL ELSE reserved_by END`;
export const UNRESERVE = `UPDATE sync_job_queue SET reserved_by = NULL, reserved_until = NULL WHERE project_name = ? AND reserved_by = ?`;
export const RENEW = `UPDATE sync_job_queue SET lease_expires_at = CASE WHEN lease_owner = ? THEN ? ELSE lease_expires_at END,
  reserved_until = CASE WHEN reserved_by = ? THEN ? ELSE reserved_until END WHERE project_name = ? AND (lease_owner = ? OR reserved_by = ?)`;

/** reserved_by and reserved_until of a mark: the reservation, or none. */
export function reservation(options: MarkOptions, t: string): [string | null, string | null] {
  return options.reserve ? [options.reserve.owner, addMs(t, options.reserve.leaseMs)] : [null, null];
}

/** A sync or attach the user asks for starts its backoff afresh (failures of the background had raised it). */
export const FRESH_START = `UPDATE sync_job_queue SET attempts = 0 WHERE project_name = ? AND work_item_id = ?`;
export const userAsked = (reason: DirtyReason): boolean => reason === 'manual' || reason === 'attach';

export const addMs = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

/**
 * The work items that need a sync (the seed's sync_job_queue, one row per dirty work item). Every
 * trigger only marks; the coordinator claims due rows, and a row is deleted once its item is
 * synced, unless it was marked again meanwhile (mark_seq), so a change seen during a sync is
 * never lost.
 */
export class DirtyItemRepository {
  constructor(private readonly c: RepoContext) {}

  /** Marks the items dirty and due now; reasons and options accumulate until the item is synced. */
  mark(projectName: string, workItemIds: readonly number[], reason: DirtyReason, options: MarkOptions = {}): void {
    const t = this.c.now();
    for (const id of new Set(workItemIds)) {
      const row = this.get(projectName, id);
      if (!row) {
        this.c.sql.run(
          `INSERT INTO sync_job_queue (project_name, work_item_id, reasons, force, replace_versions, retry_failed, next_run_at,
            first_marked_at, last_marked_at, updated_at, reserved_by, reserved_until) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
          [projectName, id, JSON.stringify([reason]), bit(options.force), bit(options.replace), bit(options.retryFailed), t, t, t, t, ...reservation(options, t)]);
        continue;
      }
      const { reasons, unblock } = remark(row, reason, options);
      this.c.sql.run(
        `UPDATE sync_job_queue SET reasons = ?, force = MAX(force, ?), replace_versions = MAX(replace_versions, ?),
          retry_failed = MAX(retry_failed, ?), mark_seq = mark_seq + 1, last_marked_at = ?, updated_at = ?,
          next_run_at = CASE WHEN status = 'BLOCKED' AND ? = 0 THEN next_run_at ELSE ? END,
          status = CASE WHEN status = 'BLOCKED' AND ? = 1 THEN 'PENDING' ELSE status END,
          blocked_reason = CASE WHEN ? = 1 THEN NULL ELSE blocked_reason END,
          blocked_details = CASE WHEN ? = 1 THEN NULL ELSE blocked_details END
         WHERE project_name = ? AND work_item_id = ?`,
        [JSON.stringify(reasons), bit(options.force), bit(options.replace), bit(options.retryFailed), t, t,
          bit(unblock), t, bit(unblock), bit(unblock), bit(unblock), projectName, id]);
      if (options.reserve) this.c.sql.run(RESERVE, [...reservation(options, t), projectName, id, options.reserve.owner, t]);
      if (userAsked(reason)) this.c.sql.run(FRESH_START, [projectName, id]);
    }
  }

  get(projectName: string, workItemId: number): DirtyItemRow | undefined {
    const raw = this.c.sql.get<RawDirtyRow>(`SELECT ${DIRTY_COLS} FROM sync_job_queue WHERE project_name = ? AND work_item_id = ?`, [projectName, workItemId]);
    return raw && decodeDirty(raw);
  }

  list(projectName: string): DirtyItemRow[] {
    return this.c.sql.all<RawDirtyRow>(`SELECT ${DIRTY_COLS} FROM sync_job_queue WHERE project_name = ? ORDER BY next_run_at, work_item_id`, [projectName]).map(decodeDirty);
  }

  /**
   * Leases up to `limit` due rows to `owner`: pending ones whose time has come, and in-progress
   * ones whose lease expired (their process died).
   */
  claimDue(projectName: string, owner: string, limit: number, leaseMs: number, exclude: ReadonlySet<number> = new Set()): DirtyItemRow[] {
    const t = this.c.now();
    const due = this.c.sql.all<RawDirtyRow>(
      `SELECT ${DIRTY_COLS} FROM sync_job_queue WHERE project_name = ? AND ${CLAIMABLE}
       ORDER BY next_run_at, work_item_id LIMIT ?`, [projectName, t, t, owner, t, limit + exclude.size]).map(decodeDirty)
      .filter((r) => !exclude.has(r.workItemId)).slice(0, limit);
    for (const row of due) {
      this.c.sql.run(`UPDATE sync_job_queue SET status = 'IN_PROGRESS', lease_owner = ?, lease_expires_at = ?, updated_at = ?
        WHERE project_name = ? AND work_item_id = ?`, [owner, addMs(t, leaseMs), t, projectName, row.workItemId]);
      row.status = 'IN_PROGRESS';
      row.leaseOwner = owner;
    }
    return due;
  }

  /** The item is synced as of `markSeq`: the row goes, unless it was marked again since (then it is due again). */
  complete(projectName: string, workItemId: number, markSeq: number): void {
    const t = this.c.now();
    const removed = this.c.sql.run(`DELETE FROM sync_job_queue WHERE project_name = ? AND work_item_id = ? AND mark_seq = ?`, [projectName, workItemId, markSeq]);
    if (removed === 0) {
      this.c.sql.run(`UPDATE sync_job_queue SET status = 'PENDING', attempts = 0, lease_owner = NULL, lease_expires_at = NULL,
        last_error = NULL, last_error_code = NULL, force = 0, replace_versions = 0, retry_failed = 0, next_run_at = ?, updated_at = ?,
        ${SERVED}
        WHERE project_name = ? AND work_item_id = ? AND status <> 'BLOCKED'`, [t, t, projectName, workItemId]);
    }
  }

  /** The sync failed: the item stays dirty and is due again at `retryAt` (or at once if marked meanwhile). */
  fail(projectName: string, workItemId: number, markSeq: number, error: { message: string; code?: string }, retryAt: Date): void {
    const t = this.c.now();
    this.c.sql.run(
      `UPDATE sync_job_queue SET status = 'PENDING', attempts = attempts + 1, lease_owner = NULL, lease_expires_at = NULL,
        last_error = ?, last_error_code = ?, next_run_at = CASE WHEN mark_seq = ? THEN ? ELSE ? END, updated_at = ?
       WHERE project_name = ? AND work_item_id = ?`,
      [error.message, error.code ?? null, markSeq, retryAt.toISOString(), t, t, projectName, workItemId]);
  }

  /** The item waits for the user (max-delete brake); `mark(..., {force: true})` releases it. */
  block(projectName: string, workItemId: number, reason: string, details: Record<string, unknown>): void {
    const t = this.c.now();
    this.c.sql.run(
      `UPDATE sync_job_queue SET status = 'BLOCKED', blocked_reason = ?, blocked_details = ?, lease_owner = NULL, lease_expires_at = NULL,
        force = 0, updated_at = ? WHERE project_name = ? AND work_item_id = ?`,
      [reason, JSON.stringify(details), t, projectName, workItemId]);
  }

  /** Gives leased rows back (a stopping process, or a store that has only one writer starting up). */
  release(projectName: string, owner?: string): number {
    const t = this.c.now();
    if (!owner) this.c.sql.run(`UPDATE sync_job_queue SET reserved_by = NULL, reserved_until = NULL WHERE project_name = ?`, [projectName]);
    else this.c.sql.run(UNRESERVE, [projectName, owner]);
    return this.c.sql.run(
      `UPDATE sync_job_queue SET ${RELEASED} WHERE project_name = ? AND status = 'IN_PROGRESS' ${owner ? 'AND lease_owner = ?' : ''}`,
      owner ? [t, projectName, owner] : [t, projectName]);
  }

  /** The owner is alive: its claims and reservations hold for leaseMs more. */
  renew(projectName: string, owner: string, leaseMs: number): number {
    const t = this.c.now();
    const until = addMs(t, leaseMs);
    return this.c.sql.run(RENEW, [owner, until, owner, until, projectName, owner, owner]);
  }

  /** When the earliest pending row is due (for the coordinator's timer); undefined when none waits. */
  nextDueAt(projectName: string): string | undefined {
    const v = this.c.sql.scalar(`SELECT MIN(next_run_at) FROM sync_job_queue WHERE project_name = ? AND status = 'PENDING'`, [projectName]);
    return typeof v === 'string' ? v : undefined;
  }

  /** Forgets an item (untracked). */
  remove(projectName: string, workItemId: number): void {
    this.c.sql.run(`DELETE FROM sync_job_queue WHERE project_name = ? AND work_item_id = ?`, [projectName, workItemId]);
  }
}

export function bit(flag: boolean | undefined): number {
  return flag ? 1 : 0;
}

export function decodeDirty(raw: RawDirtyRow): DirtyItemRow {
  return {
    ...raw, reasons: JSON.parse(raw.reasons) as DirtyReason[], force: raw.force === 1, replace: raw.replace === 1, retryFailed: raw.retryFailed === 1,
    blockedDetails: raw.blockedDetails ? (JSON.parse(raw.blockedDetails) as Record<string, unknown>) : null,
  };
}
