// The small tables on PostgreSQL: audit, events, de-duplication, tracked items, the feed position,
// upload sessions, API tokens and webhook subscriptions; the same statements and row shapes as their sql.js repositories.
import type { AsyncRepository } from '../syncDb';
import { API_TOKEN_COLS, hashApiToken, newApiToken, revokeTarget, type ApiTokenRepository, type ApiTokenRow } from '../repositories/apiTokens';
import { AUDIT_COLS, decodeAudit, type AuditRepository, type AuditRow, type NewAudit, type RawAuditRow } from '../repositories/audit';
import { DEDUP_COLS, type DedupRepository, type DedupRow } from '../repositories/dedup';
import { EVENT_COLS, type EventRepository, type EventRow, type NewEvent, type RawEventRow } from '../repositories/events';
import { TRACKED_COLS, type TrackedItemRepository, type TrackedItemRow } from '../repositories/trackedItems';
import { UPLOAD_SESSION_COLS, UPLOAD_SESSION_TTL_MS, type NewUploadSession, type UploadSessionRepository, type UploadSessionRow,
  type UploadSessionStatus } from '../repositories/uploadSessions';
import type { WatermarkRepository, WatermarkRow } from '../repositories/watermarks';
import { WEBHOOK_SQL, webhookValues, type NewWebhook, type WebhookRepository, type WebhookRow } from '../repositories/webhooks';
import { fromJson, toJson } from '../sqlite';
import type { PgContext } from './pgContext';

export class PgAuditRepository implements AsyncRepository<AuditRepository> {
  constructor(private readonly c: PgContext) {}

  log(a: NewAudit): Promise<number> {
    return this.c.sql.insert(
      `INSERT INTO audit_logs (action_type, entity_type, entity_id, source_ip, user_agent, host, user_name, client_version, details, created_at)
       VALUES (?,?,?,?,?,?,?,?,?,?)`,
      [a.actionType, a.entityType, a.entityId ?? null, a.sourceIp ?? null, a.userAgent ?? null, a.host ?? null, a.userName ?? null,
        a.clientVersion ?? null, toJson(a.details), this.c.now()]);
  }

  async forEntity(entityType: string, entityId: string): Promise<AuditRow[]> {
    return (await this.c.sql.all<RawAuditRow>(`SELECT ${AUDIT_COLS} FROM audit_logs WHERE entity_type = ? AND entity_id = ? ORDER BY id`, [entityType, entityId])).map(decodeAudit);
  }

  async recent(limit = 100): Promise<AuditRow[]> {
    return (await this.c.sql.all<RawAuditRow>(`SELECT ${AUDIT_COLS} FROM audit_logs ORDER BY id DESC LIMIT ?`, [limit])).map(decodeAudit);
  }

  pruneBefore(cutoffIso: string): Promise<number> {
    return this.c.sql.run(`DELETE FROM audit_logs WHERE created_at < ?`, [cutoffIso]);
  }
}

export class PgEventRepository implements AsyncRepository<EventRepository> {
  constructor(private readonly c: PgContext) {}

  log(e: NewEvent): Promise<number> {
    return this.c.sql.insert(`INSERT INTO sync_event_log (work_item_id, event_type, severity, message, details, created_at) VALUES (?,?,?,?,?,?)`,
      [e.workItemId ?? null, e.eventType, e.severity ?? 'INFO', e.message, toJson(e.details), this.c.now()]);
  }

  async recent(limit = 100, workItemId?: number): Promise<EventRow[]> {
    const rows = workItemId === undefined
      ? await this.c.sql.all<RawEventRow>(`SELECT ${EVENT_COLS} FROM sync_event_log ORDER BY id DESC LIMIT ?`, [limit])
      : await this.c.sql.all<RawEventRow>(`SELECT ${EVENT_COLS} FROM sync_event_log WHERE work_item_id = ? ORDER BY id DESC LIMIT ?`, [workItemId, limit]);
    return rows.map((r) => ({ ...r, details: fromJson(r.details) }));
  }

  pruneBefore(cutoffIso: string): Promise<number> {
    return this.c.sql.run(`DELETE FROM sync_event_log WHERE created_at < ?`, [cutoffIso]);
  }
}

export class PgDedupRepository implements AsyncRepository<DedupRepository> {
  constructor(private readonly c: PgContext) {}

  /** First writer wins, across processes too (the primary key decides). */
  async remember(e: Omit<DedupRow, 'createdAt'>): Promise<DedupRow> {
    await this.c.sql.run(
      `INSERT INTO deduplication_index (collection_url, sha256_hash, attachment_guid, attachment_url, file_size, first_work_item_id, created_at)
       VALUES (?,?,?,?,?,?,?) ON CONFLICT (collection_url, sha256_hash) DO NOTHING`,
      [e.collectionUrl, e.sha256Hash, e.attachmentGuid, e.attachmentUrl, e.fileSize, e.firstWorkItemId, this.c.now()]);
    return (await this.find(e.collectionUrl, e.sha256Hash))!;
  }

  find(collectionUrl: string, sha256Hash: string): Promise<DedupRow | undefined> {
    return this.c.sql.get<DedupRow>(`SELECT ${DEDUP_COLS} FROM deduplication_index WHERE collection_url = ? AND sha256_hash = ?`, [collectionUrl, sha256Hash]);
  }

  findAll(sha256Hash: string): Promise<DedupRow[]> {
    return this.c.sql.all<DedupRow>(`SELECT ${DEDUP_COLS} FROM deduplication_index WHERE sha256_hash = ? ORDER BY created_at`, [sha256Hash]);
  }

  async contentOf(attachmentGuid: string): Promise<string | undefined> {
    const v = await this.c.sql.scalar(`SELECT sha256_hash FROM deduplication_index WHERE attachment_guid = ? LIMIT 1`, [attachmentGuid]);
    return typeof v === 'string' ? v : undefined;
  }

  async forget(collectionUrl: string, sha256Hash: string): Promise<void> {
    await this.c.sql.run(`DELETE FROM deduplication_index WHERE collection_url = ? AND sha256_hash = ?`, [collectionUrl, sha256Hash]);
  }
}

export class PgTrackedItemRepository implements AsyncRepository<TrackedItemRepository> {
  constructor(private readonly c: PgContext) {}

  async track(t: { workItemId: number; projectName: string; title?: string | null; localFolder?: string | null; addedAt?: string }): Promise<void> {
    await this.c.sql.run(
      `INSERT INTO tracked_work_items (work_item_id, project_name, title, local_folder, added_at) VALUES (?,?,?,?,?)
       ON CONFLICT (work_item_id) DO UPDATE SET project_name = excluded.project_name,
         title = COALESCE(excluded.title, tracked_work_items.title), local_folder = COALESCE(excluded.local_folder, tracked_work_items.local_folder)`,
      [t.workItemId, t.projectName, t.title ?? null, t.localFolder ?? null, t.addedAt ?? this.c.now()]);
  }

  async untrack(workItemId: number): Promise<boolean> {
    return (await this.c.sql.run(`DELETE FROM tracked_work_items WHERE work_item_id = ?`, [workItemId])) > 0;
  }

  get(workItemId: number): Promise<TrackedItemRow | undefined> {
    return this.c.sql.get<TrackedItemRow>(`SELECT ${TRACKED_COLS} FROM tracked_work_items WHERE work_item_id = ?`, [workItemId]);
  }

  list(projectName?: string): Promise<TrackedItemRow[]> {
    return projectName === undefined
      ? this.c.sql.all<TrackedItemRow>(`SELECT ${TRACKED_COLS} FROM tracked_work_items ORDER BY work_item_id`)
      : this.c.sql.all<TrackedItemRow>(`SELECT ${TRACKED_COLS} FROM tracked_work_items WHERE project_name = ? ORDER BY work_item_id`, [projectName]);
  }

  async markChecked(workItemId: number, rev: number): Promise<void> {
    await this.c.sql.run(`UPDATE tracked_work_items SET last_rev = ?, last_checked_at = ? WHERE work_item_id = ?`, [rev, this.c.now(), workItemId]);
  }
}

/** The change feed's position, one per project, shared by every process on the database. */
export class PgWatermarkRepository implements AsyncRepository<WatermarkRepository> {
  constructor(private readonly c: PgContext) {}

  get(projectName: string): Promise<WatermarkRow | undefined> {
    return this.c.sql.get<WatermarkRow>(
      `SELECT project_name AS projectName, watermark, continuation_token AS continuationToken, updated_at AS updatedAt
       FROM inbound_watermarks WHERE project_name = ?`, [projectName]);
  }

  async set(projectName: string, watermark: string | null, continuationToken: string | null): Promise<void> {
    await this.c.sql.run(
      `INSERT INTO inbound_watermarks (project_name, watermark, continuation_token, updated_at) VALUES (?,?,?,?)
       ON CONFLICT (project_name) DO UPDATE SET watermark = excluded.watermark,
         continuation_token = excluded.continuation_token, updated_at = excluded.updated_at`,
      [projectName, watermark, continuationToken, this.c.now()]);
  }
}

export class PgUploadSessionRepository implements AsyncRepository<UploadSessionRepository> {
  constructor(private readonly c: PgContext) {}

  async create(s: NewUploadSession): Promise<UploadSessionRow> {
    const t = this.c.now();
    const expires = new Date(Date.parse(t) + UPLOAD_SESSION_TTL_MS).toISOString();
    const totalChunks = Math.max(1, Math.ceil(s.totalSize / s.chunkSize));
    await this.c.sql.run(
      `INSERT INTO chunked_upload_sessions (session_uuid, work_item_id, file_path, file_name, total_size, chunk_size,
        total_chunks, sha256, ado_upload_id, ado_upload_url, created_at, updated_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      [s.sessionUuid, s.workItemId, s.filePath, s.fileName, s.totalSize, s.chunkSize, totalChunks, s.sha256 ?? null,
        s.adoUploadId ?? null, s.adoUploadUrl ?? null, t, t, expires]);
    return (await this.get(s.sessionUuid))!;
  }

  get(sessionUuid: string): Promise<UploadSessionRow | undefined> {
    return this.c.sql.get<UploadSessionRow>(`SELECT ${UPLOAD_SESSION_COLS} FROM chunked_upload_sessions WHERE session_uuid = ?`, [sessionUuid]);
  }

  findResumable(workItemId: number, filePath: string, sha256: string): Promise<UploadSessionRow | undefined> {
    return this.c.sql.get<UploadSessionRow>(
      `SELECT ${UPLOAD_SESSION_COLS} FROM chunked_upload_sessions WHERE work_item_id = ? AND file_path = ? AND sha256 = ?
        AND status = 'ACTIVE' AND expires_at > ? ORDER BY created_at DESC LIMIT 1`, [workItemId, filePath, sha256, this.c.now()]);
  }

  active(workItemId?: number): Promise<UploadSessionRow[]> {
    return workItemId === undefined
      ? this.c.sql.all<UploadSessionRow>(`SELECT ${UPLOAD_SESSION_COLS} FROM chunked_upload_sessions WHERE status = 'ACTIVE' ORDER BY created_at DESC`)
      : this.c.sql.all<UploadSessionRow>(`SELECT ${UPLOAD_SESSION_COLS} FROM chunked_upload_sessions WHERE status = 'ACTIVE' AND work_item_id = ? ORDER BY created_at DESC`, [workItemId]);
  }

  async recordChunk(sessionUuid: string, nextByte: number, sentSha256: string | null = null): Promise<void> {
    await this.c.sql.run(
      `UPDATE chunked_upload_sessions SET chunks_received = chunks_received + 1, next_byte = ?, sent_sha256 = COALESCE(?, sent_sha256),
        updated_at = ? WHERE session_uuid = ?`, [nextByte, sentSha256, this.c.now(), sessionUuid]);
  }

  async setProgress(sessionUuid: string, nextByte: number, sentSha256: string, status: UploadSessionStatus): Promise<void> {
    await this.c.sql.run(
      `UPDATE chunked_upload_sessions SET chunks_received = LEAST(total_chunks, (?::bigint + chunk_size - 1) / chunk_size), next_byte = ?, sent_sha256 = ?,
        status = ?, updated_at = ? WHERE session_uuid = ?`, [nextByte, nextByte, sentSha256, status, this.c.now(), sessionUuid]);
  }

  async setStatus(sessionUuid: string, status: UploadSessionStatus): Promise<void> {
    await this.c.sql.run(`UPDATE chunked_upload_sessions SET status = ?, updated_at = ? WHERE session_uuid = ?`, [status, this.c.now(), sessionUuid]);
  }

  expireStale(): Promise<number> {
    const t = this.c.now();
    return this.c.sql.run(`UPDATE chunked_upload_sessions SET status = 'EXPIRED', updated_at = ? WHERE status = 'ACTIVE' AND expires_at <= ?`, [t, t]);
  }
}

export class PgApiTokenRepository implements AsyncRepository<ApiTokenRepository> {
  constructor(private readonly c: PgContext) {}

  /** The name check and the insert in one transaction; the partial unique index settles a race between processes. */
  create(name: string): Promise<{ row: ApiTokenRow; token: string }> {
    return this.c.tx(async (c) => {
      const tokens = new PgApiTokenRepository(c);
      const token = newApiToken(name, await tokens.live());
      const id = await c.sql.insert('INSERT INTO api_tokens (name, token_hash, created_at) VALUES (?,?,?)', [name, hashApiToken(token), c.now()]);
      return { row: (await tokens.get(id))!, token };
    });
  }

  get(id: number): Promise<ApiTokenRow | undefined> {
    return this.c.sql.get<ApiTokenRow>(`SELECT ${API_TOKEN_COLS} FROM api_tokens WHERE id = ?`, [id]);
  }

  list(): Promise<ApiTokenRow[]> {
    return this.c.sql.all<ApiTokenRow>(`SELECT ${API_TOKEN_COLS} FROM api_tokens ORDER BY id`);
  }

  async live(): Promise<ApiTokenRow[]> {
    return (await this.list()).filter((t) => t.revokedAt === null);
  }

  async revoke(nameOrId: string): Promise<ApiTokenRow | undefined> {
    const target = revokeTarget(await this.live(), nameOrId);
    if (!target) return undefined;
    await this.c.sql.run('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [this.c.now(), target.id]);
    return this.get(target.id);
  }

  verify(token: string): Promise<ApiTokenRow | undefined> {
    return this.c.sql.get<ApiTokenRow>(`SELECT ${API_TOKEN_COLS} FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`, [hashApiToken(token)]);
  }
}

export class PgWebhookRepository implements AsyncRepository<WebhookRepository> {
  constructor(private readonly c: PgContext) {}

  async upsert(w: NewWebhook): Promise<void> {
    await this.c.sql.run(WEBHOOK_SQL.upsert, webhookValues(w, this.c.now()));
  }

  get(subscriptionId: string): Promise<WebhookRow | undefined> {
    return this.c.sql.get<WebhookRow>(WEBHOOK_SQL.get, [subscriptionId]);
  }

  list(project?: string): Promise<WebhookRow[]> {
    return project === undefined ? this.c.sql.all<WebhookRow>(WEBHOOK_SQL.all) : this.c.sql.all<WebhookRow>(WEBHOOK_SQL.ofProject, [project]);
  }

  async remove(subscriptionId: string): Promise<boolean> {
    return (await this.c.sql.run(WEBHOOK_SQL.remove, [subscriptionId])) > 0;
  }
}
