// The store on PostgreSQL (`--database-url postgres://...`): one database shared by several
// processes (serve workers, CLI runs). Every statement commits at once; there is nothing to flush.
import { Pool, types as pgTypes } from 'pg';
import { StoreError } from '../errors';
import type { SyncDb, SyncDbRepositories } from '../syncDb';
import { PgAttachmentRepository } from './pgAttachments';
import type { PgContext } from './pgContext';
import { PgDirtyItemRepository } from './pgDirtyItems';
import { PgHistoryRepository } from './pgHistory';
import { migratePostgres } from './pgMigrations';
import { PgApiTokenRepository, PgAuditRepository, PgDedupRepository, PgEventRepository, PgTrackedItemRepository, PgUploadSessionRepository,
  PgWatermarkRepository, PgWebhookRepository } from './pgSmallRepositories';
import { inPgTransaction, PgSql } from './pgSql';

export interface PgSyncDbOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** This workspace's local state file (its upload journal goes beside it); the sql.js database path. */
  localPath: string;
  /** Connections this process keeps at most (default 10). */
  maxConnections?: number;
  now?: () => Date;
  log?: (message: string) => void;
}

const INT8 = 20;

/** Sizes and counts are BIGINT; they stay below 2^53, so they come back as numbers, as from sql.js. */
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8 ? (v: string) => Number(v) : pgTypes.getTypeParser(oid, format ?? 'text'))) as typeof pgTypes.getTypeParser,
};

function repositories(c: PgContext): SyncDbRepositories {
  return {
    attachments: new PgAttachmentRepository(c), uploadSessions: new PgUploadSessionRepository(c), dirtyItems: new PgDirtyItemRepository(c),
    events: new PgEventRepository(c), dedup: new PgDedupRepository(c), history: new PgHistoryRepository(c), audit: new PgAuditRepository(c),
    trackedItems: new PgTrackedItemRepository(c), watermarks: new PgWatermarkRepository(c), apiTokens: new PgApiTokenRepository(c),
    webhooks: new PgWebhookRepository(c),
  };
}

export class PgSyncDb implements SyncDb {
  readonly kind = 'postgres' as const;
  private readonly repos: SyncDbRepositories;
  private readonly now: () => string;
  private closed = false;

  /** @internal use openPgSyncDb() */
  constructor(private readonly pool: Pool, readonly path: string, now: () => Date) {
    this.now = () => now().toISOString();
    this.repos = repositories(this.context(new PgSql(pool)));
  }

  get attachments() { return this.repos.attachments; }
  get uploadSessions() { return this.repos.uploadSessions; }
  get dirtyItems() { return this.repos.dirtyItems; }
  get events() { return this.repos.events; }
  get dedup() { return this.repos.dedup; }
  get history() { return this.repos.history; }
  get audit() { return this.repos.audit; }
  get trackedItems() { return this.repos.trackedItems; }
  get watermarks() { return this.repos.watermarks; }
  get apiTokens() { return this.repos.apiTokens; }
  get webhooks() { return this.repos.webhooks; }

  transaction<T>(fn: (tx: SyncDbRepositories) => Promise<T>): Promise<T> {
    return this.inTransaction((c) => fn(repositories(c)));
  }

  async flush(): Promise<void> { /* every statement has committed */ }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private context(sql: PgSql, inside = false): PgContext {
    return { sql, now: this.now, tx: inside ? (fn) => fn(this.context(sql, true)) : (fn) => this.inTransaction(fn) };
  }

  private inTransaction<T>(fn: (c: PgContext) => Promise<T>): Promise<T> {
    return inPgTransaction(this.pool, (client) => fn(this.context(new PgSql(client), true)));
  }
}

/** A URL that names PostgreSQL (postgres:// or postgresql://). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Connects, creates or migrates the schema, and returns the store; a clear StoreError when the server cannot be reached. */
export async function openPgSyncDb(options: PgSyncDbOptions): Promise<PgSyncDb> {
  if (!isPostgresUrl(options.url)) throw new StoreError(`not a PostgreSQL URL: "${redact(options.url)}" (expected postgres://user@host:port/database)`);
  const pool = new Pool({ connectionString: options.url, max: options.maxConnections ?? 10, types: typeParsers });
  // An idle connection the server dropped must not end the process.
  pool.on('error', (e) => options.log?.(`PostgreSQL connection lost: ${e.message}`));
  try {
    await migratePostgres(pool);
  } catch (e) {
    await pool.end().catch(() => undefined);
    if (e instanceof StoreError) throw e;
    throw new StoreError(`Could not open the PostgreSQL store at ${redact(options.url)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return new PgSyncDb(pool, options.localPath, options.now ?? (() => new Date()));
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
