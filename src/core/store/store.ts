import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database } from 'sql.js';
import { writeFileAtomic } from './atomicWrite';
import { StoreClosedError, type StoreCorruptError } from './errors';
import { StoreLock } from './lock';
import { migrate, SCHEMA_VERSION } from './migrations';
import { loadDatabase, moveAside } from './openDatabase';
import { AttachmentRepository } from './repositories/attachments';
import { AuditRepository } from './repositories/audit';
import type { RepoContext } from './repositories/context';
import { DedupRepository } from './repositories/dedup';
import { EventRepository } from './repositories/events';
import { HistoryRepository } from './repositories/history';
import { DirtyItemRepository } from './repositories/dirtyItems';
import { TrackedItemRepository } from './repositories/trackedItems';
import { UploadSessionRepository } from './repositories/uploadSessions';
import { WatermarkRepository } from './repositories/watermarks';
import { WebhookRepository } from './repositories/webhooks';
import { loadSqlJs, Sql } from './sqlite';
import { getSyncStats, type SyncStats } from './stats';

export interface StoreOptions {
  /** The database file, e.g. `<workspace>/.ado-sync/state.sqlite`. */
  path: string;
  /** No lock, no writes, nothing persisted: for viewing history while another process writes. */
  readOnly?: boolean;
  /** Quiet period after the last write before exporting (default 1000 ms). */
  debounceMs?: number;
  /** Longest a write may stay unexported under continuous writes (default 10000 ms). */
  maxDelayMs?: number;
  /** Events and audit entries older than this are pruned (default 90). */
  retentionDays?: number;
  /** A lock not refreshed for this long is stale (default 60000 ms; refreshed every third of it). */
  lockStaleMs?: number;
  log?: (message: string) => void;
  now?: () => Date;
}

export interface PruneResult { events: number; audit: number }
export interface FlushInfo { bytes: number; ms: number }

const DAY_MS = 86_400_000;

/** The one writer of the sync database: repositories over an in-memory sql.js db, persisted atomically. */
export class SyncStore {
  readonly attachments: AttachmentRepository;
  readonly uploadSessions: UploadSessionRepository;
  /** Work items that need a sync (sync_job_queue): the coordinator's persisted schedule. */
  readonly dirtyItems: DirtyItemRepository;
  readonly events: EventRepository;
  readonly webhooks: WebhookRepository;
  readonly dedup: DedupRepository;
  readonly history: HistoryRepository;
  readonly audit: AuditRepository;
  readonly trackedItems: TrackedItemRepository;
  readonly watermarks: WatermarkRepository;
  /** Set when the file on disk was corrupt and a fresh database replaced it. */
  readonly recovered?: StoreCorruptError;
  /** Last flush cost, for diagnostics and the bench. */
  lastFlush?: FlushInfo;

  private readonly sql: Sql;
  private dirty = false;
  private closed = false;
  private firstDirtyAt = 0;
  private lastWriteAt = 0;
  private timer?: NodeJS.Timeout;

  /** @internal use openStore() */
  constructor(
    private readonly db: Database,
    private readonly opts: Required<Omit<StoreOptions, 'readOnly'>> & { readOnly: boolean },
    private readonly lock: StoreLock | undefined,
    recovered: StoreCorruptError | undefined,
    migrated: boolean,
  ) {
    this.recovered = recovered;
    // A migrated or freshly created database must reach the file even though migrations bypass Sql.
    this.dirty = migrated && !opts.readOnly;
    this.sql = new Sql(db, () => this.assertWritable(), () => this.markDirty());
    const ctx: RepoContext = { sql: this.sql, now: () => opts.now().toISOString() };
    this.attachments = new AttachmentRepository(ctx);
    this.uploadSessions = new UploadSessionRepository(ctx);
    this.dirtyItems = new DirtyItemRepository(ctx);
    this.events = new EventRepository(ctx);
    this.webhooks = new WebhookRepository(ctx);
    this.dedup = new DedupRepository(ctx);
    this.history = new HistoryRepository(ctx);
    this.audit = new AuditRepository(ctx);
    this.trackedItems = new TrackedItemRepository(ctx);
    this.watermarks = new WatermarkRepository(ctx);
  }

  get path(): string { return this.opts.path; }
  get readOnly(): boolean { return this.opts.readOnly; }
  get isDirty(): boolean { return this.dirty; }
  get schemaVersion(): number { return SCHEMA_VERSION; }

  /** Runs fn in one transaction: all of its writes, or none (rolled back on throw). */
  transaction<T>(fn: () => T): T {
    return this.sql.tx(fn);
  }

  /** Exports the whole database atomically if anything changed since the last flush. */
  flush(): FlushInfo | undefined {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty || this.opts.readOnly) return undefined;
    const t0 = performance.now();
    this.sql.forget();
    const bytes = this.db.export();
    writeFileAtomic(this.opts.path, bytes);
    this.dirty = false;
    this.lastFlush = { bytes: bytes.length, ms: performance.now() - t0 };
    return this.lastFlush;
  }

  /** Flushes and releases the lock; the store is unusable afterwards. */
  close(): void {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      this.closed = true;
      this.sql.forget();
      this.db.close();
      this.lock?.release();
    }
  }

  /** Retention: events and audit entries older than retentionDays. History runs are kept. */
  prune(): PruneResult {
    const cutoff = new Date(this.opts.now().getTime() - this.opts.retentionDays * DAY_MS).toISOString();
    return { events: this.events.pruneBefore(cutoff), audit: this.audit.pruneBefore(cutoff) };
  }

  /** getSyncStats */
  stats(): SyncStats {
    this.assertOpen();
    return getSyncStats(this.sql);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError('Sync store is closed');
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.opts.readOnly) throw new StoreClosedError('Sync store was opened read-only');
  }

  /** Debounce without a clearTimeout per write: the timer re-arms itself for the remaining quiet time. */
  private markDirty(): void {
    const now = Date.now();
    if (!this.dirty) this.firstDirtyAt = now;
    this.dirty = true;
    this.lastWriteAt = now;
    if (!this.timer) this.arm(this.opts.debounceMs);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, ms));
  }

  private onTimer(): void {
    this.timer = undefined;
    if (this.closed || !this.dirty) return;
    const now = Date.now();
    const quietLeft = this.lastWriteAt + this.opts.debounceMs - now;
    const maxLeft = this.firstDirtyAt + this.opts.maxDelayMs - now;
    if (quietLeft > 0 && maxLeft > 0) return this.arm(Math.min(quietLeft, maxLeft));
    try {
      this.flush();
    } catch (e) {
      this.opts.log(`Sync store flush failed (will retry): ${e instanceof Error ? e.message : String(e)}`);
      this.arm(this.opts.debounceMs);
    }
  }
}

/** Opens (creating, migrating or recovering) the store at opts.path. */
export async function openStore(options: StoreOptions): Promise<SyncStore> {
  const opts = {
    readOnly: false, debounceMs: 1000, maxDelayMs: 10_000, retentionDays: 90, lockStaleMs: 60_000,
    log: () => undefined, now: () => new Date(), ...options,
  } satisfies StoreOptions;
  const SQL = await loadSqlJs();
  if (!opts.readOnly) fs.mkdirSync(path.dirname(opts.path), { recursive: true });
  const lock = opts.readOnly ? undefined : StoreLock.acquire(`${opts.path}.lock`, opts.lockStaleMs, opts.log, opts.now);
  try {
    const { db, corrupt } = loadDatabase(SQL, opts.path);
    const recovered = corrupt && !opts.readOnly ? moveAside(opts.path, corrupt, opts.now()) : undefined;
    if (corrupt) opts.log(recovered?.message ?? `Sync store ${opts.path} is unreadable (${corrupt}); showing an empty read-only store`);
    const from = migrate(db);
    const store = new SyncStore(db, opts, lock, recovered, from < SCHEMA_VERSION);
    if (!opts.readOnly) {
      if (recovered) {
        store.events.log({ eventType: 'store_recovered', severity: 'ERROR', message: recovered.message,
          details: { reason: recovered.reason, movedTo: path.basename(recovered.movedTo ?? '') } });
      }
      store.prune();
      if (store.isDirty) store.flush();
    }
    return store;
  } catch (e) {
    lock?.release();
    throw e;
  }
}
