// The contract of the sync engine that the CLI, the extension, the webhook receiver and the tests
// drive. The engine itself is createSyncEngine() in syncEngine.ts; this file holds only types, so
// that every caller codes against one shape.
import type { AdoClient } from '../ado';
import type { SyncSettings } from '../settings';
import type { SyncStore } from '../store';
import type { SyncDb } from '../store/syncDb';
import type { SyncEvents } from './events';
import type { DirtyReason } from '../store';
import type { CoordinatorState } from './coordinator';
import type { BrakeState, PlannedAction } from './planner';

/** A work item the max-delete brake stopped, as a dry run shows it. */
export type BlockedPlan = BrakeState & { kind: 'blocked'; workItemId: number; fileName: string };

/** Why a run started; stored as sync_history.trigger. */
export type RunTrigger = 'manual' | 'poll' | 'webhook' | 'attach';

export type ItemOutcomeStatus =
  /** Bytes sent to ADO and linked (or uploaded only, with link: false). */
  | 'uploaded'
  /** An attachment already in ADO (same content, other work item) linked without uploading. */
  | 'linked'
  | 'downloaded'
  /** Same content already linked to this work item: nothing sent. */
  | 'duplicate'
  /** Both sides changed: the remote version was kept beside the local one under a conflict name. */
  | 'conflict'
  /** The relation is gone in ADO: the local record is marked, the file is kept. */
  | 'remote_removed'
  /** The relation was removed from the work item on the user's explicit request. */
  | 'removed'
  /** A synced file was deleted from the mirror folder: the record is marked, ADO is untouched. */
  | 'deleted_locally'
  /** The max-delete brake stopped this work item; it waits for the user's confirmation. */
  | 'blocked'
  | 'failed'
  | 'cancelled';

export interface ItemError {
  message: string;
  /** The service's typeKey/errorCode (e.g. TF237082, VS403313) or our error class name. */
  code?: string;
  /** Our error class (AuthenticationError, NetworkError, PreflightError, ...): what callers branch on. */
  kind?: string;
}

export interface ItemOutcome {
  workItemId: number;
  fileName: string;
  direction: 'outbound' | 'inbound';
  status: ItemOutcomeStatus;
  localPath?: string;
  /** The name in ADO, where the local name differs (sanitised, numbered or a conflict name). */
  adoName?: string;
  sha256?: string;
  size?: number;
  /** Attachment GUID in ADO. */
  attachmentId?: string;
  attachmentUrl?: string;
  error?: ItemError;
}

export interface RunCounters {
  uploaded: number;
  linked: number;
  downloaded: number;
  duplicates: number;
  conflicts: number;
  remoteRemoved: number;
  removed: number;
  failed: number;
  bytesTransferred: number;
}

export interface RunSummary {
  /** sync_history.id */
  runId: number;
  trigger: RunTrigger;
  /** The work items the run was asked to sync (absent from summaries made elsewhere). */
  workItemIds?: readonly number[];
  status: 'completed' | 'failed' | 'cancelled';
  startedAt: string;
  completedAt: string;
  durationMs: number;
  counters: RunCounters;
  items: ItemOutcome[];
  /** Set when the run itself failed (max-delete brake, authentication, ...), not one item. */
  error?: ItemError;
}

export interface AttachRequest {
  /** Paths of local files (absolute, or relative to the workspace root). */
  files: readonly string[];
  workItemId: number;
  /** The user's part of the relation comment; the [sha256:...] marker is appended. */
  comment?: string;
  /** false: upload only (seed's upload without link). Default true. */
  link?: boolean;
  trigger?: RunTrigger;
  signal?: AbortSignal;
  /**
   * One file whose bytes wait elsewhere (an API upload in staging): they are moved to `files[0]`
   * (never replacing a file: NameTakenError) only once its request is written, so no sync sees the
   * file there as one of its own.
   */
  moveFrom?: string;
}

export interface SyncRequest {
  /** Default: every tracked work item. */
  workItemIds?: readonly number[];
  /** A changed file replaces its previous version in ADO (the older relation is removed). Default: both stay. */
  replace?: boolean;
  /** The user confirms a tripped max-delete brake (`ado-sync sync --force`). */
  force?: boolean;
  /** Try again what failed permanently before (too large, refused): an explicit user action. */
  retryFailed?: boolean;
  trigger?: RunTrigger;
  signal?: AbortSignal;
}

export interface WorkItemAttachmentView {
  workItemId: number;
  /** attachment_sync_metadata rows merged with the ADO relations, one entry per file version. */
  attachments: readonly {
    fileName: string;
    attachmentId?: string;
    attachmentUrl?: string;
    sha256?: string;
    size?: number;
    comment?: string;
    /** synced | uploading | queued | failed | in_ado_only | local_only | conflict | remote_removed */
    state: string;
    localPath?: string;
    error?: string;
  }[];
}

export interface SyncEngine {
  readonly events: SyncEvents;
  /** The mirror folder (absolute): `<mirrorRoot>/<work item id>/<file>`. */
  readonly mirrorRoot: string;
  /** Uploads (simple or chunked, resumable) and links files, de-duplicated by SHA-256. */
  attach(request: AttachRequest): Promise<RunSummary>;
  /** Links an attachment already in ADO (by URL or GUID) to a work item: the seed's link-only call. */
  link(workItemId: number, attachmentUrl: string, options?: { comment?: string; fileName?: string; signal?: AbortSignal }): Promise<RunSummary>;
  /** Two-way sync of tracked (or the given) work items, recorded in sync_history. */
  sync(request?: SyncRequest): Promise<RunSummary>;
  /** What sync() would do, without doing it (--dry-run); a braked work item is one 'blocked' entry. */
  plan(request?: { workItemIds?: readonly number[]; force?: boolean; replace?: boolean; signal?: AbortSignal }): Promise<(PlannedAction | BlockedPlan)[]>;
  /** Reads the change feed and syncs what changed; undefined (and nothing written) when nothing did. */
  poll(): Promise<RunSummary | undefined>;
  /** Starts the coordinator's worker (dirty items left by an earlier process go on) and, with an interval, polling. */
  start(options?: { pollIntervalMs?: number }): void;
  setPollInterval(ms: number): void;
  /** A trigger that needs no answer (webhook event): the items are synced in the background. */
  markDirty(workItemIds: readonly number[], reason: DirtyReason): void;
  /** A file in the mirror folder changed (file watcher). */
  localFileChanged(filePath: string): void;
  /** What the coordinator is doing: dirty and blocked items, last check, paused after refused credentials. */
  state(): CoordinatorState;
  /** Downloads one attachment into the mirror folder (never overwriting a different local file). */
  download(workItemId: number, attachmentId: string, options?: { signal?: AbortSignal }): Promise<ItemOutcome>;
  /** Explicit removal of the relation from the work item (the file stays local). */
  removeFromWorkItem(workItemId: number, attachmentId: string, options?: { signal?: AbortSignal }): Promise<ItemOutcome>;
  /** Soft delete of the local record; ADO is untouched. False when unknown. */
  deleteLocalRecord(attachmentId: string): Promise<boolean>;
  track(workItemIds: readonly number[]): Promise<void>;
  untrack(workItemIds: readonly number[]): Promise<void>;
  /** As last read: after track/untrack through this engine, each poll, and ready(). */
  trackedIds(): number[];
  /** Settles once trackedIds() and state() hold what the store has (right after creation they are empty). */
  ready(): Promise<void>;
  /** Runs left in_progress by a crash become failed ("interrupted"); its claimed items return to the queue. */
  recoverInterrupted(): Promise<number>;
  /** Waits for runs in flight (for graceful shutdown), then flushes the store. */
  close(): Promise<void>;
}

export interface SyncEngineOptions {
  client: AdoClient;
  /** The embedded sql.js store, or any SyncDb (PostgreSQL shared by several processes). */
  store: SyncStore | SyncDb;
  settings: SyncSettings;
  /** The workspace folder; relative settings paths (mirror folder) resolve against it. */
  workspaceRoot: string;
  events?: SyncEvents;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /** Recorded in audit_logs: who and what started a run. */
  origin?: { client: string; version: string; host?: string; user?: string };
  /** How long a claimed work item stays this process's without renewal (default 60 s; see CoordinatorOptions.leaseMs). */
  leaseMs?: number;
  /** Parallel transfers across all work items (default 4). */
  concurrency?: number;
  /** Backoff of a failed work item (full jitter; default 1 s doubling to 5 min, capped by the poll interval). */
  backoff?: { baseMs: number; capMs: number };
  now?: () => Date;
}

export type { PlannedAction, CoordinatorState, DirtyReason };
