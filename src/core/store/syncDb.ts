// The store as the coordinator, the server and the history answers need it from either database:
// the embedded sql.js file (the default; sqlJsDb.ts adapts SyncStore) or a PostgreSQL shared by
// several processes (postgres/pgSyncDb.ts). PostgreSQL's client is asynchronous, so this interface
// is: every repository method returns a Promise of what the sql.js repository returns.
import type { ApiTokenRepository } from './repositories/apiTokens';
import type { AttachmentRepository } from './repositories/attachments';
import type { AuditRepository } from './repositories/audit';
import type { DedupRepository } from './repositories/dedup';
import type { DirtyItemRepository } from './repositories/dirtyItems';
import type { EventRepository } from './repositories/events';
import type { HistoryRepository } from './repositories/history';
import type { TrackedItemRepository } from './repositories/trackedItems';
import type { UploadSessionRepository } from './repositories/uploadSessions';
import type { WatermarkRepository } from './repositories/watermarks';
import type { WebhookRepository } from './repositories/webhooks';

/** The public methods of a repository, each returning a Promise of its result. */
export type AsyncRepository<R> = {
  [K in keyof R]: R[K] extends (...args: infer A) => infer T ? (...args: A) => Promise<Awaited<T>> : never;
};

/** The repositories both databases implement. */
export interface SyncDbRepositories {
  attachments: AsyncRepository<AttachmentRepository>;
  uploadSessions: AsyncRepository<UploadSessionRepository>;
  dirtyItems: AsyncRepository<DirtyItemRepository>;
  events: AsyncRepository<EventRepository>;
  dedup: AsyncRepository<DedupRepository>;
  history: AsyncRepository<HistoryRepository>;
  audit: AsyncRepository<AuditRepository>;
  trackedItems: AsyncRepository<TrackedItemRepository>;
  watermarks: AsyncRepository<WatermarkRepository>;
  apiTokens: AsyncRepository<ApiTokenRepository>;
  webhooks: AsyncRepository<WebhookRepository>;
}

export type SyncDbKind = 'sqljs' | 'postgres';

export interface SyncDb extends SyncDbRepositories {
  readonly kind: SyncDbKind;
  /** The local state file of this workspace (sql.js: the database; beside it, the upload journal). */
  readonly path: string;
  /** sql.js: the file on disk was damaged (and replaced, for a writer). */
  readonly damaged?: { message: string };
  /**
   * Runs fn in one transaction: all of its writes through `tx`, or none (rolled back on throw).
   * Inside fn use `tx` only: the outer repositories wait for the transaction (sql.js) or run on
   * another connection (PostgreSQL).
   */
  transaction<T>(fn: (tx: SyncDbRepositories) => Promise<T>): Promise<T>;
  /** Puts what is written on disk now (sql.js); PostgreSQL has committed it already. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
