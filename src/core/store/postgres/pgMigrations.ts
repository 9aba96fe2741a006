// The PostgreSQL schema: the sql.js schema (../migrations.ts, at its version 5, then the migrations
// both write alike, SHARED_MIGRATIONS) with the same table and column names, in PostgreSQL's
// types. Times stay ISO-8601 text, as in sql.js, so both order and compare them alike; flags stay
// 0/1 integers. Numbered, forward-only; never edit a shipped one.
import type { Pool } from 'pg';
import { StoreVersionError } from '../errors';
import { SHARED_MIGRATIONS } from '../migrations';
import { inPgTransaction } from './pgSql';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE attachment_sync_metadata (
    id SERIAL PRIMARY KEY,
    work_item_id INTEGER NOT NULL,
    attachment_guid TEXT,
    attachment_url TEXT,
    file_name TEXT NOT NULL,
    local_path TEXT,
    file_size BIGINT NOT NULL DEFAULT 0,
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
    remote_removed_at TEXT,
    failure_kind TEXT
  );
  CREATE INDEX idx_attachment_work_item ON attachment_sync_metadata(work_item_id);
  CREATE INDEX idx_attachment_sha256 ON attachment_sync_metadata(sha256);
  CREATE INDEX idx_attachment_status ON attachment_sync_metadata(sync_status);
  CREATE UNIQUE INDEX idx_attachment_item_guid ON attachment_sync_metadata(work_item_id, attachment_guid) WHERE attachment_guid IS NOT NULL;
  CREATE INDEX idx_attachment_guid ON attachment_sync_metadata(attachment_guid);
  CREATE INDEX idx_attachment_local_path ON attachment_sync_metadata(local_path);

  CREATE TABLE chunked_upload_sessions (
    session_uuid TEXT PRIMARY KEY,
    work_item_id INTEGER NOT NULL,
    file_path TEXT NOT NULL,
    file_name TEXT NOT NULL,
    total_size BIGINT NOT NULL,
    chunk_size BIGINT NOT NULL,
    total_chunks INTEGER NOT NULL,
    chunks_received INTEGER NOT NULL DEFAULT 0,
    next_byte BIGINT NOT NULL DEFAULT 0,
    sha256 TEXT,
    sent_sha256 TEXT,
    ado_upload_id TEXT,
    ado_upload_url TEXT,
    status TEXT NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','COMPLETED','FAILED','EXPIRED')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE INDEX idx_upload_sessions_expiry ON chunked_upload_sessions(status, expires_at);
  CREATE INDEX idx_upload_sessions_resume ON chunked_upload_sessions(work_item_id, file_path, sha256);

  CREATE TABLE sync_job_queue (
    id SERIAL PRIMARY KEY,
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

  CREATE TABLE sync_event_log (
    id SERIAL PRIMARY KEY,
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
    collection_url TEXT NOT NULL DEFAULT '',
    sha256_hash TEXT NOT NULL,
    attachment_guid TEXT NOT NULL,
    attachment_url TEXT NOT NULL,
    file_size BIGINT NOT NULL,
    first_work_item_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (collection_url, sha256_hash)
  );
  CREATE INDEX idx_dedup_guid ON deduplication_index(attachment_guid);

  CREATE VIEW v_attachment_sync_summary AS
    SELECT work_item_id,
      COUNT(*)::integer AS total_attachments,
      SUM(CASE WHEN sync_status = 'SYNCED' THEN 1 ELSE 0 END)::integer AS synced_count,
      SUM(CASE WHEN sync_status IN ('PENDING','UPLOADING') THEN 1 ELSE 0 END)::integer AS pending_count,
      SUM(CASE WHEN sync_status = 'FAILED' THEN 1 ELSE 0 END)::integer AS failed_count,
      COALESCE(SUM(file_size), 0)::bigint AS total_size_bytes,
      MAX(updated_at) AS last_modified
    FROM attachment_sync_metadata
    WHERE deleted_at IS NULL
    GROUP BY work_item_id;

  CREATE TABLE sync_history (
    id SERIAL PRIMARY KEY,
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
    bytes_transferred BIGINT NOT NULL DEFAULT 0,
    epics_created INTEGER NOT NULL DEFAULT 0,
    epics_failed INTEGER NOT NULL DEFAULT 0,
    features_created INTEGER NOT NULL DEFAULT 0,
    features_failed INTEGER NOT NULL DEFAULT 0,
    user_stories_created INTEGER NOT NULL DEFAULT 0,
    user_stories_failed INTEGER NOT NULL DEFAULT 0,
    deletion_count INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL,
    completed_at TEXT,
    duration_ms BIGINT,
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
    id SERIAL PRIMARY KEY,
    sync_history_id INTEGER NOT NULL REFERENCES sync_history(id) ON DELETE CASCADE,
    ardoq_id TEXT,
    item_name TEXT NOT NULL,
    item_type TEXT NOT NULL DEFAULT 'attachment' CHECK (item_type IN ('attachment','epic','feature','user_story')),
    status TEXT NOT NULL,
    work_item_id INTEGER,
    azure_devops_id INTEGER,
    azure_devops_url TEXT,
    file_path TEXT,
    file_size BIGINT,
    sha256 TEXT,
    error_code TEXT,
    error_message TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX idx_history_items_run ON sync_history_items(sync_history_id, id);
  CREATE INDEX idx_history_items_work_item ON sync_history_items(work_item_id);

  CREATE TABLE audit_logs (
    id SERIAL PRIMARY KEY,
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

  CREATE TABLE api_tokens (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
  );
  CREATE UNIQUE INDEX idx_api_tokens_live_name ON api_tokens(name) WHERE revoked_at IS NULL;
  `,
  // sql.js v6 onwards, written the same in both.
  ...SHARED_MIGRATIONS,
];

export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/** Any number, the same in every process: serializes migrations of processes that start together. */
const MIGRATION_LOCK = 0x4144_4f53;

/** Brings the database to PG_SCHEMA_VERSION; returns the version it had. */
export function migratePostgres(pool: Pool): Promise<number> {
  return inPgTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS ado_sync_schema (version INTEGER NOT NULL)');
    const row = (await client.query<{ version: number }>('SELECT version FROM ado_sync_schema')).rows[0];
    const from = row?.version ?? 0;
    if (from > PG_SCHEMA_VERSION) throw new StoreVersionError(from, PG_SCHEMA_VERSION);
    for (let v = from; v < PG_SCHEMA_VERSION; v++) await client.query(MIGRATIONS[v]);
    if (!row) await client.query('INSERT INTO ado_sync_schema (version) VALUES ($1)', [PG_SCHEMA_VERSION]);
    else await client.query('UPDATE ado_sync_schema SET version = $1', [PG_SCHEMA_VERSION]);
    return from;
  });
}
