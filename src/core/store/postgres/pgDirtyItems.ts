import type { AsyncRepository } from '../syncDb';
import { addMs, bit, CLAIMABLE, FRESH_START, userAsked, RELEASED, RENEW, UNRESERVE, decodeDirty, DIRTY_COLS as COLS, remark, reservation, RESERVE, SERVED, type DirtyItemRepository, type DirtyItemRow, type DirtyReason,
  type MarkOptions, type RawDirtyRow } from '../repositories/dirtyItems';
import type { PgContext } from './pgContext';

/**
 * sync_job_queue on PostgreSQL, shared by every process on the database: a claim takes due rows
 * with FOR UPDATE SKIP LOCKED and leases them (lease_owner, lease_expires_at), so two workers never
 * take the same work item and a dead worker's items are taken over once its lease has expired.
 */
export class PgDirtyItemRepository implements AsyncRepository<DirtyItemRepository> {
  constructor(private readonly c: PgContext) {}

  /** Each item in its own short transaction: the row is locked while its reasons are merged. */
  async mark(projectName: string, workItemIds: readonly number[], reason: DirtyReason, options: MarkOptions = {}): Promise<void> {
    for (const id of new Set(workItemIds)) await this.c.tx((c) => markOne(c, projectName, id, reason, options));
  }

  async get(projectName: string, workItemId: number): Promise<DirtyItemRow | undefined> {
    const raw = await this.c.sql.get<RawDirtyRow>(`SELECT ${COLS} FROM sync_job_queue WHERE project_name = ? AND work_item_id = ?`, [projectName, workItemId]);
    return raw && decodeDirty(raw);
  }

  async list(projectName: string): Promise<DirtyItemRow[]> {
    return (await this.c.sql.all<RawDirtyRow>(`SELECT ${COLS} FROM sync_job_queue WHERE project_name = ? ORDER BY next_run_at, work_item_id`, [projectName])).map(decodeDirty);
  }

  async claimDue(projectName: string, owner: string, limit: number, leaseMs: number, exclude: ReadonlySet<number> = new Set()): Promise<DirtyItemRow[]> {
    const t = this.c.now();
    const rows = await this.c.sql.all<RawDirtyRow>(
      `WITH due AS (
         SELECT id FROM sync_job_queue WHERE project_name = ? AND ${CLAIMABLE}
           AND NOT (work_item_id = ANY(?::integer[]))
         ORDER BY next_run_at, work_item_id LIMIT ? FOR UPDATE SKIP LOCKED)
       UPDATE sync_job_queue q SET status = 'IN_PROGRESS', lease_owner = ?, lease_expires_at = ?, updated_at = ?
       FROM due WHERE q.id = due.id RETURNING ${COLS}`,
      [projectName, t, t, owner, t, [...exclude], limit, owner, addMs(t, leaseMs), t]);
    return rows.map(decodeDirty).sort((a, b) => a.nextRunAt.localeCompare(b.nextRunAt) || a.workItemId - b.workItemId);
  }

  async complete(projectName: string, workItemId: number, markSeq: number): Promise<void> {
    const t = this.c.now();
    const removed = await this.c.sql.run(`DELETE FROM sync_job_queue WHERE project_name = ? AND work_item_id = ? AND mark_seq = ?`, [projectName, workItemId, markSeq]);
    if (removed === 0) {
      await this.c.sql.run(`UPDATE sync_job_queue SET status = 'PENDING', attempts = 0, lease_owner = NULL, lease_expires_at = NULL,
        last_error = NULL, last_error_code = NULL, force = 0, replace_versions = 0, retry_failed = 0, next_run_at = ?, updated_at = ?,
        ${SERVED}
        WHERE project_name = ? AND work_item_id = ? AND status <> 'BLOCKED'`, [t, t, projectName, workItemId]);
    }
  }

  async fail(projectName: string, workItemId: number, markSeq: number, error: { message: string; code?: string }, retryAt: Date): Promise<void> {
    const t = this.c.now();
    await this.c.sql.run(
      `UPDATE sync_job_queue SET status = 'PENDING', attempts = attempts + 1, lease_owner = NULL, lease_expires_at = NULL,
        last_error = ?, last_error_code = ?, next_run_at = CASE WHEN mark_seq = ? THEN ? ELSE ? END, updated_at = ?
       WHERE project_name = ? AND work_item_id = ?`,
      [error.message, error.code ?? null, markSeq, retryAt.toISOString(), t, t, projectName, workItemId]);
  }

  async block(projectName: string, workItemId: number, reason: string, details: Record<string, unknown>): Promise<void> {
    await this.c.sql.run(
      `UPDATE sync_job_queue SET status = 'BLOCKED', blocked_reason = ?, blocked_details = ?, lease_owner = NULL, lease_expires_at = NULL,
        force = 0, updated_at = ? WHERE project_name = ? AND work_item_id = ?`,
      [reason, JSON.stringify(details), this.c.now(), projectName, workItemId]);
  }

  /**
   * Gives leased rows back. Several processes share this table: without an owner only leases that
   * have expired are released (a live worker's claims are its own).
   */
  async release(projectName: string, owner?: string): Promise<number> {
    const t = this.c.now();
    if (!owner) return this.c.sql.run(`UPDATE sync_job_queue SET ${RELEASED} WHERE project_name = ? AND status = 'IN_PROGRESS' AND lease_expires_at < ?`, [t, projectName, t]);
    await this.c.sql.run(UNRESERVE, [projectName, owner]);
    return this.c.sql.run(`UPDATE sync_job_queue SET ${RELEASED} WHERE project_name = ? AND status = 'IN_PROGRESS' AND lease_owner = ?`, [t, projectName, owner]);
  }

  renew(projectName: string, owner: string, leaseMs: number): Promise<number> {
    const until = addMs(this.c.now(), leaseMs);
    return this.c.sql.run(RENEW, [owner, until, owner, until, projectName, owner, owner]);
  }

  async nextDueAt(projectName: string): Promise<string | undefined> {
    const v = await this.c.sql.scalar(`SELECT MIN(next_run_at) FROM sync_job_queue WHERE project_name = ? AND status = 'PENDING'`, [projectName]);
    return typeof v === 'string' ? v : undefined;
  }

  async remove(projectName: string, workItemId: number): Promise<void> {
    await this.c.sql.run(`DELETE FROM sync_job_queue WHERE project_name = ? AND work_item_id = ?`, [projectName, workItemId]);
  }
}

async function markOne(c: PgContext, projectName: string, id: number, reason: DirtyReason, options: MarkOptions): Promise<void> {
  const t = c.now();
  const inserted = await c.sql.run(
    `INSERT INTO sync_job_queue (project_name, work_item_id, reasons, force, replace_versions, retry_failed, next_run_at,
      first_marked_at, last_marked_at, updated_at, reserved_by, reserved_until) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
      ON CONFLICT (project_name, work_item_id) DO NOTHING`,
    [projectName, id, JSON.stringify([reason]), bit(options.force), bit(options.replace), bit(options.retryFailed), t, t, t, t, ...reservation(options, t)]);
  if (inserted > 0) return;
  const raw = await c.sql.get<RawDirtyRow>(`SELECT ${COLS} FROM sync_job_queue WHERE project_name = ? AND work_item_id = ? FOR UPDATE`, [projectName, id]);
  if (!raw) return;
  const { reasons, unblock } = remark(decodeDirty(raw), reason, options);
  await c.sql.run(
    `UPDATE sync_job_queue SET reasons = ?, force = GREATEST(force, ?), replace_versions = GREATEST(replace_versions, ?),
      retry_failed = GREATEST(retry_failed, ?), mark_seq = mark_seq + 1, last_marked_at = ?, updated_at = ?,
      next_run_at = CASE WHEN status = 'BLOCKED' AND ?::integer = 0 THEN next_run_at ELSE ? END,
      status = CASE WHEN status = 'BLOCKED' AND ?::integer = 1 THEN 'PENDING' ELSE status END,
      blocked_reason = CASE WHEN ?::integer = 1 THEN NULL ELSE blocked_reason END,
      blocked_details = CASE WHEN ?::integer = 1 THEN NULL ELSE blocked_details END
     WHERE project_name = ? AND work_item_id = ?`,
    [JSON.stringify(reasons), bit(options.force), bit(options.replace), bit(options.retryFailed), t, t,
      bit(unblock), t, bit(unblock), bit(unblock), bit(unblock), projectName, id]);
  if (options.reserve) await c.sql.run(RESERVE, [...reservation(options, t), projectName, id, options.reserve.owner, t]);
  if (userAsked(reason)) await c.sql.run(FRESH_START, [projectName, id]);
}
