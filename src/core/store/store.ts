import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database } from 'sql.js';
import { freeBytes, removeStaleTempFiles, writeFileAtomic } from './atomicWrite';
import { checkDbPath, lockWriteProblem } from './dbPath';
import { StoreClosedError, StoreCorruptError, StoreWriteError } from './errors';
import { StoreLock } from './lock';
import { migrate, SCHEMA_VERSION } from './migrations';
import { loadDatabase, moveAside } from './openDatabase';
import { ApiTokenRepository } from './repositories/apiTokens';
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
import { readTrackedSidecar, writeTrackedSidecar } from './trackedSidecar';
import { errorMessage } from '../errorMessage';

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
  /** After a failed save, the next attempt comes this much later (default 5000 ms). */
  retryMs?: number;
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
  readonly apiTokens: ApiTokenRepository;
  /** Set when the file on disk was damaged and a fresh database replaced it (movedTo says where the copy is). */
  readonly recovered?: StoreCorruptError;
  /** Set when the file on disk is damaged: recovered for a writer; for a read-only viewer, left in place. */
  readonly damaged?: StoreCorruptError;
  /** Last flush cost, for diagnostics and the bench. */
  lastFlush?: FlushInfo;

  private readonly sql: Sql;
  private dirty = false;
  private closed = false;
  private firstDirtyAt = 0;
  private lastWriteAt = 0;
  private timer?: NodeJS.Timeout;
  private trackedChanged = false;
  private problem?: StoreWriteError;
  private readonly problemListeners = new Set<(problem: StoreWriteError | undefined) => void>();

  /** @internal use openStore() */
  constructor(
    private readonly db: Database,
    private readonly opts: Required<Omit<StoreOptions, 'readOnly'>> & { readOnly: boolean },
    private readonly lock: StoreLock | undefined,
    damaged: StoreCorruptError | undefined,
    migrated: boolean,
  ) {
    this.damaged = damaged;
    this.recovered = damaged?.movedTo ? damaged : undefined;
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
    this.trackedItems = new TrackedItemRepository(ctx, () => { this.trackedChanged = true; });
    this.watermarks = new WatermarkRepository(ctx);
    this.apiTokens = new ApiTokenRepository(ctx);
  }

  get path(): string { return this.opts.path; }
  get readOnly(): boolean { return this.opts.readOnly; }
  get isDirty(): boolean { return this.dirty; }
  get schemaVersion(): number { return SCHEMA_VERSION; }

  /** Runs fn in one transaction: all of its writes, or none (rolled back on throw). */
  transaction<T>(fn: () => T): T {
    return this.sql.tx(fn);
  }

  /** transaction() for a function that awaits (see Sql.txAsync: the caller keeps other writers out meanwhile). */
  transactionAsync<T>(fn: () => Promise<T>): Promise<T> {
    return this.sql.txAsync(fn);
  }

  /** The last save failed and the file on disk is behind what is in memory; undefined once a save succeeds. */
  get writeProblem(): StoreWriteError | undefined { return this.problem; }

  /** Called when saving starts failing (with the error) and when it works again (undefined). Returns the unsubscribe. */
  onWriteProblem(listener: (problem: StoreWriteError | undefined) => void): () => void {
    this.problemListeners.add(listener);
    return () => { this.problemListeners.delete(listener); };
  }

  /**
   * Exports the whole database atomically if anything changed since the last flush. A failed
   * save throws StoreWriteError and leaves the old file in place; the store stays dirty and
   * tries again retryMs later.
   */
  flush(): FlushInfo | undefined {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty || this.opts.readOnly) return undefined;
    const t0 = performance.now();
    this.sql.forget();
    const bytes = this.db.export();
    try {
      writeFileAtomic(this.opts.path, bytes);
      // After the database: a sidecar newer than the database is harmless, one older could drop an item.
      if (this.trackedChanged) writeTrackedSidecar(this.opts.path, this.trackedItems.list());
    } catch (e) {
      throw this.saveFailed(e);
    }
    this.dirty = false;
    this.trackedChanged = false;
    this.lastFlush = { bytes: bytes.length, ms: performance.now() - t0 };
    if (this.problem) this.setProblem(undefined);
    return this.lastFlush;
  }

  /** Flushes and releases the lock; the store is unusable afterwards (a failed save still throws). */
  close(): void {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      clearTimeout(this.timer);
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

  private saveFailed(e: unknown): StoreWriteError {
    const err = e as NodeJS.ErrnoException;
    const code = err.code ?? 'EIO';
    const detail = (err.message ?? String(e)).replace(`${code}: `, '');
    const problem = new StoreWriteError(this.opts.path, code, detail, freeBytes(this.opts.path));
    if (!this.problem) this.opts.log(problem.message);
    this.setProblem(problem);
    if (!this.closed) this.arm(this.opts.retryMs);
    return problem;
  }

  private setProblem(problem: StoreWriteError | undefined): void {
    if (!problem && this.problem) this.opts.log(`The sync database ${this.opts.path} is saved again.`);
    this.problem = problem;
    for (const listener of this.problemListeners) {
      try { listener(problem); } catch (e) { this.opts.log(`A store listener failed: ${errorMessage(e)}`); }
    }
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
    // After a failed save the timer is the retry: no more waiting for quiet.
    if (!this.problem && quietLeft > 0 && maxLeft > 0) return this.arm(Math.min(quietLeft, maxLeft));
    try {
      this.flush();
    } catch (e) {
      // A failed save is logged and re-armed by flush itself; anything else is retried likewise.
      if (e instanceof StoreWriteError) return;
      this.opts.log(`Sync store flush failed (will retry): ${errorMessage(e)}`);
      this.arm(this.opts.debounceMs);
    }
  }
}

function acquireLock(opts: Required<StoreOptions>): StoreLock {
  const lockPath = `${opts.path}.lock`;
  try {
    return StoreLock.acquire(lockPath, opts.lockStaleMs, opts.log, opts.now);
  } catch (e) {
    throw lockWriteProblem(opts.path, lockPath, e) ?? e;
  }
}

/**
 * A new database (none on disk, or a damaged one replaced) gets the tracked work items back from
 * the sidecar; attachment records come back from Azure DevOps at the next sync.
 */
function restoreTracked(db: Database, dbPath: string, log: (m: string) => void): number {
  const entries = readTrackedSidecar(dbPath, log);
  const insert = db.prepare(`INSERT OR IGNORE INTO tracked_work_items (work_item_id, project_name, title, local_folder, added_at) VALUES (?,?,?,?,?)`);
  try {
    for (const e of entries) insert.run([e.workItemId, e.projectName, e.title ?? null, e.localFolder ?? null, e.addedAt]);
  } finally {
    insert.free();
  }
  if (entries.length > 0) log(`Restored ${entries.length} tracked work item(s) from the sidecar of ${dbPath}`);
  return entries.length;
}

/** Opens (creating, migrating or recovering) the store at opts.path. */
export async function openStore(options: StoreOptions): Promise<SyncStore> {
  const opts = {
    readOnly: false, debounceMs: 1000, maxDelayMs: 10_000, retentionDays: 90, lockStaleMs: 60_000, retryMs: 5000,
    log: () => undefined, now: () => new Date(), ...options,
  } satisfies StoreOptions;
  const SQL = await loadSqlJs();
  checkDbPath(opts.path, opts.readOnly);
  const lock = opts.readOnly ? undefined : acquireLock(opts);
  try {
    if (!opts.readOnly) for (const name of removeStaleTempFiles(opts.path)) opts.log(`Removed ${name}, left by a write that did not finish`);
    const existed = fs.existsSync(opts.path);
    const { db, corrupt } = loadDatabase(SQL, opts.path);
    const from = migrate(db);
    const restored = !opts.readOnly && (corrupt || !existed) ? restoreTracked(db, opts.path, opts.log) : 0;
    const damaged = corrupt === undefined ? undefined
      : opts.readOnly ? new StoreCorruptError(opts.path, corrupt) : moveAside(opts.path, corrupt, opts.now(), restored);
    // A reader is told through store.damaged, and says it in its own words.
    if (damaged?.movedTo) opts.log(damaged.message);
    const store = new SyncStore(db, opts, lock, damaged, from < SCHEMA_VERSION);
    if (!opts.readOnly) {
      if (damaged) {
        store.events.log({ eventType: 'store_recovered', severity: 'ERROR', message: damaged.message,
          details: { reason: damaged.reason, movedTo: path.basename(damaged.movedTo ?? ''), trackedRestored: restored } });
      }
      store.prune();
      // A save that fails here is reported through writeProblem and retried like any other.
      if (store.isDirty) try { store.flush(); } catch (e) { if (!(e instanceof StoreWriteError)) throw e; }
    }
    return store;
  } catch (e) {
    lock?.release();
    throw e;
  }
}
