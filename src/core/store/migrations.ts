import type { Database } from 'sql.js';
import { StoreVersionError } from './errors';

/**
 * The migrations written the same in SQLite and PostgreSQL: sql.js v6 onwards, PostgreSQL 2 onwards
 * (pgMigrations.ts appends them to its own first one).
 */
export const SHARED_MIGRATIONS: readonly string[] = [
  // v6: a process that waits for a work item (a sync or an attach it was asked for) reserves it,
  // apart from the lease of whoever processes it now, so the item comes back to it when another
  // process's sync of it ends (several processes share one PostgreSQL).
  `
  ALTER TABLE sync_job_queue ADD COLUMN reserved_by TEXT;
  ALTER TABLE sync_job_queue ADD COLUMN reserved_until TEXT;
  `,
  // v7: a run has an owner. The process recording it holds a lease on its row (lease_owner,
  // lease_expires_at, as in sync_job_queue) and renews it while it lives; on a PostgreSQL shared by
  // several processes, a run whose lease ran out was a process that died, and another process ends
  // it as interrupted (one writer per sql.js file ends every open run).
  `
  ALTER TABLE sync_history ADD COLUMN lease_owner TEXT;
  ALTER TABLE sync_history ADD COLUMN lease_expires_at TEXT;
  CREATE INDEX idx_history_lease ON sync_history(status, lease_expires_at);
  `,
  // v8: an attach request names the process whose run asked for it (requested_by, its runs'
  // lease_owner): on a shared PostgreSQL only that process has the file, and a request whose
  // process is gone is ended as failed instead of staying queued.
  `
  ALTER TABLE attachment_sync_metadata ADD COLUMN requested_by TEXT;
  `,
];

/**
 * Numbered, forward-only migrations. Index i holds migration to version i+1.
 * Never edit a shipped migration: append a new one.
 */
const MIGRATIONS: readonly string[] = [
  // v1: the seed tables (000 + 002) plus tracked items and watermarks.
  `
  CREATE TABLE attachment_sync_metadata (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_item_id INTEGER NOT NULL,
    attachment_guid TEXT,
    attachment_url TEXT,
    file_name TEXT NOT NULL,
    local_path TEXT,
    file_size INTEGER NOT NULL DEFAULT 0,
    sha256 TEXT,
    source TEXT NOT NULL DEFAULT 'TOOL' CHECK (source IN ('TOOL','ADO')),
    sync_status TEXT NOT NULL DEFAULT 'PENDING'
      CHECK (sync_status IN ('PENDING','UPLOADING','SYNCED','FAILED','DELETED','CONFLICT')),
    version INTEGER NOT NULL DEFAULT 1,
    comment TEXT,
    error_message TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_synced_at TEXT,
    deleted_at TEXT,
    remote_removed_at TEXT
  );
  CREATE INDEX idx_attachment_work_item ON attachment_sync_metadata(work_item_id);
  CREATE INDEX idx_attachment_sha256 ON attachment_sync_metadata(sha256);
  CREATE INDEX idx_attachment_status ON attachment_sync_metadata(sync_status);
  CREATE UNIQUE INDEX idx_attachment_guid ON attachment_sync_metadata(attachment_guid) WHERE attachment_guid IS NOT NULL;
  CREATE INDEX idx_attachment_local_path ON attachment_sync_metadata(local_path);

  CREATE TABLE chunked_upload_sessions (
    session_uuid TEXT PRIMARY KEY,
    work_item_id INTEGER NOT NULL,
    file_path TEXT NOT NULL,
    file_name TEXT NOT NULL,
    total_size INTEGER NOT NULL,
    chunk_size INTEGER NOT NULL,
    total_chunks INTEGER NOT NULL,
    chunks_received INTEGER NOT NULL DEFAULT 0,
    next_byte INTEGER NOT NULL DEFAULT 0,
    sha256 TEXT,
    ado_upload_id TEXT,
    ado_upload_url TEXT,
    status TEXT NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','COMPLETED','FAILED','EXPIRED')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE INDEX idx_upload_sessions_expiry ON chunked_upload_sessions(status, expires_at);

  CREATE TABLE sync_job_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'PENDING'
      CHECK (status IN ('PENDING','IN_PROGRESS','COMPLETED','FAILED','DEAD')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5,
    next_run_at TEXT NOT NULL,
    lease_owner TEXT,
    lease_expires_at TEXT,
    idempotency_key TEXT UNIQUE,
    work_item_id INTEGER,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    completed_at TEXT
  );
  CREATE INDEX idx_jobs_due ON sync_job_queue(status, next_run_at);
  CREATE INDEX idx_jobs_work_item ON sync_job_queue(work_item_id, created_at);

  CREATE TABLE sync_event_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_item_id INTEGER,
    event_type TEXT NOT NULL,
    severity TEXT NOT NULL DEFAULT 'INFO' CHECK (severity IN ('INFO','WARN','ERROR')),
    message TEXT NOT NULL,
    details TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX idx_events_work_item ON sync_event_log(work_item_id, created_at);
  CREATE INDEX idx_events_created ON sync_event_log(created_at);

  CREATE TABLE webhook_subscriptions (
    subscription_id TEXT PRIMARY KEY,
    event_type TEXT NOT NULL,
    url TEXT NOT NULL,
    project TEXT,
    status TEXT NOT NULL DEFAULT 'enabled',
    created_at TEXT NOT NULL
  );

  CREATE TABLE deduplication_index (
    sha256_hash TEXT PRIMARY KEY,
    attachment_guid TEXT NOT NULL,
    attachment_url TEXT NOT NULL,
    file_size INTEGER NOT NULL,
    first_work_item_id INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE VIEW v_attachment_sync_summary AS
    SELECT work_item_id,
      COUNT(*) AS total_attachments,
      SUM(sync_status = 'SYNCED') AS synced_count,
      SUM(sync_status IN ('PENDING','UPLOADING')) AS pending_count,
      SUM(sync_status = 'FAILED') AS failed_count,
      COALESCE(SUM(file_size), 0) AS total_size_bytes,
      MAX(updated_at) AS last_modified
    FROM attachment_sync_metadata
    WHERE deleted_at IS NULL
    GROUP BY work_item_id;

  CREATE TABLE sync_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL DEFAULT 'attachment_sync' CHECK (kind IN ('attachment_sync','backlog_import')),
    trigger TEXT NOT NULL DEFAULT 'manual' CHECK (trigger IN ('manual','poll','webhook','attach','import')),
    status TEXT NOT NULL DEFAULT 'pending'
      CHECK (status IN ('pending','in_progress','completed','failed','cancelled')),
    source_type TEXT, source_config_id TEXT, target_type TEXT, target_config_id TEXT,
    project_name TEXT, work_item_id INTEGER, overwrite_mode TEXT,
    total_items INTEGER NOT NULL DEFAULT 0,
    items_created INTEGER NOT NULL DEFAULT 0,
    items_failed INTEGER NOT NULL DEFAULT 0,
    uploaded INTEGER NOT NULL DEFAULT 0,
    linked INTEGER NOT NULL DEFAULT 0,
    downloaded INTEGER NOT NULL DEFAULT 0,
    skipped_duplicate INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    bytes_transferred INTEGER NOT NULL DEFAULT 0,
    epics_created INTEGER NOT NULL DEFAULT 0,
    epics_failed INTEGER NOT NULL DEFAULT 0,
    features_created INTEGER NOT NULL DEFAULT 0,
    features_failed INTEGER NOT NULL DEFAULT 0,
    user_stories_created INTEGER NOT NULL DEFAULT 0,
    user_stories_failed INTEGER NOT NULL DEFAULT 0,
    deletion_count INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL,
    completed_at TEXT,
    duration_ms INTEGER,
    error_message TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX idx_history_started ON sync_history(started_at DESC, id DESC);
  CREATE INDEX idx_history_status ON sync_history(status, started_at DESC, id DESC);
  CREATE INDEX idx_history_kind ON sync_history(kind, started_at DESC, id DESC);
  CREATE INDEX idx_history_trigger ON sync_history(trigger, started_at DESC, id DESC);
  CREATE INDEX idx_history_work_item ON sync_history(work_item_id, started_at DESC, id DESC);
  CREATE INDEX idx_history_project ON sync_history(project_name, started_at DESC, id DESC);

  CREATE TABLE sync_history_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sync_history_id INTEGER NOT NULL REFERENCES sync_history(id) ON DELETE CASCADE,
    ardoq_id TEXT,
    item_name TEXT NOT NULL,
    item_type TEXT NOT NULL DEFAULT 'attachment' CHECK (item_type IN ('attachment','epic','feature','user_story')),
    status TEXT NOT NULL,
    work_item_id INTEGER,
    azure_devops_id INTEGER,
    azure_devops_url TEXT,
    file_path TEXT,
    file_size INTEGER,
    sha256 TEXT,
    error_code TEXT,
    error_message TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX idx_history_items_run ON sync_history_items(sync_history_id, id);
  CREATE INDEX idx_history_items_work_item ON sync_history_items(work_item_id);

  CREATE TABLE audit_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_type TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT,
    source_ip TEXT, user_agent TEXT, host TEXT, user_name TEXT, client_version TEXT,
    details TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX idx_audit_entity ON audit_logs(entity_type, entity_id);
  CREATE INDEX idx_audit_created ON audit_logs(created_at);

  CREATE TABLE tracked_work_items (
    work_item_id INTEGER PRIMARY KEY,
    project_name TEXT NOT NULL,
    title TEXT,
    local_folder TEXT,
    last_rev INTEGER,
    last_checked_at TEXT,
    added_at TEXT NOT NULL
  );
  CREATE INDEX idx_tracked_project ON tracked_work_items(project_name);

  CREATE TABLE inbound_watermarks (
    project_name TEXT PRIMARY KEY,
    watermark TEXT,
    continuation_token TEXT,
    updated_at TEXT NOT NULL
  );
  `,
  // v2: a resumed chunked upload checks the bytes already sent against their SHA-256, so a file
  // changed in between fails instead of producing a blend of two versions.
  `
  ALTER TABLE chunked_upload_sessions ADD COLUMN sent_sha256 TEXT;
  -- One ADO attachment can be linked to several work items (de-duplication links the existing URL):
  -- unique per work item, not globally.
  DROP INDEX idx_attachment_guid;
  CREATE UNIQUE INDEX idx_attachment_item_guid ON attachment_sync_metadata(work_item_id, attachment_guid) WHERE attachment_guid IS NOT NULL;
  CREATE INDEX idx_attachment_guid ON attachment_sync_metadata(attachment_guid);
  CREATE INDEX idx_upload_sessions_resume ON chunked_upload_sessions(work_item_id, file_path, sha256);
  `,
  // v3: the history's free-text filter through a full-text index of item names, error codes and
  // messages (a LIKE scan of every item took ~100 ms at 200k items). Triggers keep it current.
  `
  CREATE VIRTUAL TABLE history_search USING fts4(body, run_id, notindexed=run_id, tokenize=unicode61);
  INSERT INTO history_search (body, run_id)
    SELECT item_name || ' ' || COALESCE(error_code, '') || ' ' || COALESCE(error_message, ''), sync_history_id FROM sync_history_items;
  INSERT INTO history_search (body, run_id) SELECT error_message, id FROM sync_history WHERE error_message IS NOT NULL;
  CREATE TRIGGER history_items_search AFTER INSERT ON sync_history_items BEGIN
    INSERT INTO history_search (body, run_id)
      VALUES (NEW.item_name || ' ' || COALESCE(NEW.error_code, '') || ' ' || COALESCE(NEW.error_message, ''), NEW.sync_history_id);
  END;
  CREATE TRIGGER history_run_error_search AFTER UPDATE OF error_message ON sync_history
    WHEN NEW.error_message IS NOT NULL AND NEW.error_message IS NOT OLD.error_message BEGIN
    INSERT INTO history_search (body, run_id) VALUES (NEW.error_message, NEW.id);
  END;
  `,
  // v4: one reconciliation coordinator. sync_job_queue becomes what the seed calls it, durable
  // work: one row per work item that needs a sync (dirty), with its reasons, backoff and lease,
  // deleted when the item is synced. Its old rows were a journal of transfers of finished runs.
  // Attachment records learn whether a failure is permanent (not retried until the user asks).
  // The de-duplication index is keyed by collection: an attachment URL of one collection is
  // never linked on another.
  `
  DROP TABLE sync_job_queue;
  CREATE TABLE sync_job_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_type TEXT NOT NULL DEFAULT 'sync_work_item',
    project_name TEXT NOT NULL,
    work_item_id INTEGER NOT NULL,
    reasons TEXT NOT NULL,
    force INTEGER NOT NULL DEFAULT 0,
    replace_versions INTEGER NOT NULL DEFAULT 0,
    retry_failed INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','IN_PROGRESS','BLOCKED')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_run_at TEXT NOT NULL,
    lease_owner TEXT,
    lease_expires_at TEXT,
    blocked_reason TEXT,
    blocked_details TEXT,
    last_error TEXT,
    last_error_code TEXT,
    mark_seq INTEGER NOT NULL DEFAULT 1,
    first_marked_at TEXT NOT NULL,
    last_marked_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (project_name, work_item_id)
  );
  CREATE INDEX idx_dirty_due ON sync_job_queue(project_name, status, next_run_at);

  ALTER TABLE attachment_sync_metadata ADD COLUMN failure_kind TEXT;

  CREATE TABLE deduplication_index_v4 (
    collection_url TEXT NOT NULL DEFAULT '',
    sha256_hash TEXT NOT NULL,
    attachment_guid TEXT NOT NULL,
    attachment_url TEXT NOT NULL,
    file_size INTEGER NOT NULL,
    first_work_item_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (collection_url, sha256_hash)
  );
  INSERT INTO deduplication_index_v4 (collection_url, sha256_hash, attachment_guid, attachment_url, file_size, first_work_item_id, created_at)
    SELECT '', sha256_hash, attachment_guid, attachment_url, file_size, first_work_item_id, created_at FROM deduplication_index;
  DROP TABLE deduplication_index;
  ALTER TABLE deduplication_index_v4 RENAME TO deduplication_index;
  CREATE INDEX idx_dedup_guid ON deduplication_index(attachment_guid);
  `,
  // v5: bearer tokens of the team server's HTTP API (ado-sync token create). Only a SHA-256 of
  // each token is kept; a revoked token stays listed (revoked_at) and frees its name.
  `
  CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
  );
  CREATE UNIQUE INDEX idx_api_tokens_live_name ON api_tokens(name) WHERE revoked_at IS NULL;
  `,
  ...SHARED_MIGRATIONS,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database): number {
  return Number(db.exec('PRAGMA user_version')[0].values[0][0]);
}

/** Applies every migration above the file's version, each in its own transaction. */
export function migrate(db: Database, target = SCHEMA_VERSION): number {
  const from = schemaVersion(db);
  if (from > SCHEMA_VERSION) throw new StoreVersionError(from, SCHEMA_VERSION);
  for (let v = from; v < target; v++) {
    db.exec('BEGIN');
    try {
      db.exec(MIGRATIONS[v]);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
  }
  return from;
}
