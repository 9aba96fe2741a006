// In-memory state of the emulated collection: project, users, work items, attachment blobs,
// service-hook subscriptions and request statistics.
import { randomUUID } from 'node:crypto';
import { END_OF_TIME } from './wire';

export interface Identity {
  readonly id: string;
  readonly displayName: string;
  readonly uniqueName: string;
  readonly descriptor: string;
}

export interface Relation {
  rel: string;
  url: string;
  attributes: Record<string, unknown>;
}

export interface FieldChange {
  oldValue?: unknown;
  newValue?: unknown;
}

export interface WorkItemUpdate {
  id: number;
  workItemId: number;
  rev: number;
  revisedBy: Identity;
  revisedDate: string;
  fields?: Record<string, FieldChange>;
  relations?: { added?: Relation[]; removed?: Relation[]; updated?: Relation[] };
}

export interface Revision {
  rev: number;
  fields: Record<string, unknown>;
  relations: Relation[];
  /** Monotonic watermark for the reporting-revisions stream. */
  watermark: number;
}

export interface WorkItem {
  id: number;
  rev: number;
  fields: Record<string, unknown>;
  relations: Relation[];
  deleted: boolean;
  updates: WorkItemUpdate[];
  revisions: Revision[];
}

export interface Attachment {
  id: string;
  fileName: string;
  /** Bytes stored so far (== total size once complete). */
  size: number;
  sha256: string | undefined;
  path: string;
  complete: boolean;
  createdDate: string;
  /** Chunked uploads: declared total, fixed by the first range. */
  total?: number;
  chunked: boolean;
  /**
   * Stored gzip-compressed (as older clients uploaded through the file service): `path` holds the
   * compressed bytes, this many; downloads come with Content-Encoding: gzip whatever the client
   * accepts (AttachmentController.SetResponseContentHeaders).
   */
  gzipBytes?: number;
}

export interface Subscription {
  id: string;
  body: Record<string, unknown>;
  createdDate: string;
  createdBy: Identity;
  notificationCount: number;
}

export interface RouteStats {
  count: number;
  byStatus: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
}

export interface Stats {
  totalRequests: number;
  bytesIn: number;
  bytesOut: number;
  faultsInjected: number;
  /** Attachment body bytes the server read (whatever the outcome): what re-sending costs. */
  uploads: { simpleBodyBytes: number; chunkBodyBytes: number; chunkedStarts: number };
  routes: Record<string, RouteStats>;
}

export const IDENTITY_FIELDS = new Set(['System.CreatedBy', 'System.ChangedBy', 'System.AssignedTo', 'System.AuthorizedAs']);

export class EmulatorState {
  readonly projectName = 'Demo';
  readonly projectId = '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c';
  readonly collectionId = 'c3f6a4a0-5a8d-4ea0-9e3a-8f0b6c2a1d01';
  readonly users: Identity[] = [
    { id: 'd291b0c4-a05c-4ea6-8df1-4b41d5f39eff', displayName: 'Ada Tester', uniqueName: 'ada@example.com', descriptor: 'aad.ZDI5MWIwYzQtYTA1Yy00ZWE2' },
    { id: '8c8c7d32-6b1b-47f4-b2e9-30b477b5ab3d', displayName: 'Bob Colleague', uniqueName: 'bob@example.com', descriptor: 'aad.OGM4YzdkMzItNmIxYi00N2Y0' },
  ];
  workItems = new Map<number, WorkItem>();
  attachments = new Map<string, Attachment>();
  subscriptions = new Map<string, Subscription>();
  stats: Stats = emptyStats();
  /** The latest requests with their start and end times (ms since epoch): shows what ran at once. */
  requestLog: LoggedRequest[] = [];
  /** Requests received, counted when they arrive (stats count them when answered). */
  arrived = 0;
  nextWorkItemId = 1;
  nextLinkId = 100000;
  watermark = 0;
  /** Race mode: this many coming PATCHes lose a save race (another edit lands, 409). */
  saveRaces = 0;
  /** Attachments the users may not read (403 WorkItemUnauthorizedAttachmentException). */
  deniedAttachments = new Set<string>();

  nextWatermark(): number {
    this.watermark += 1;
    return this.watermark;
  }

  clear(): void {
    this.workItems = new Map();
    this.attachments = new Map();
    this.subscriptions = new Map();
    this.stats = emptyStats();
    this.requestLog = [];
    this.nextWorkItemId = 1;
    this.nextLinkId = 100000;
    this.watermark = 0;
    this.saveRaces = 0;
    this.deniedAttachments = new Set();
  }

  liveWorkItem(id: number): WorkItem | undefined {
    const item = this.workItems.get(id);
    return item && !item.deleted ? item : undefined;
  }

  newSubscriptionId(): string {
    return randomUUID();
  }
}

export interface LoggedRequest { method: string; path: string; status: number; startedMs: number; endedMs: number }

/** Kept to this many entries, oldest dropped. */
const REQUEST_LOG_LIMIT = 20_000;

export function logRequest(state: { requestLog: LoggedRequest[] }, entry: LoggedRequest): void {
  state.requestLog.push(entry);
  if (state.requestLog.length > REQUEST_LOG_LIMIT) state.requestLog.splice(0, state.requestLog.length - REQUEST_LOG_LIMIT);
}

export function emptyStats(): Stats {
  return { totalRequests: 0, bytesIn: 0, bytesOut: 0, faultsInjected: 0, uploads: { simpleBodyBytes: 0, chunkBodyBytes: 0, chunkedStarts: 0 }, routes: {} };
}

export function recordStats(stats: Stats, route: string, status: number, bytesIn: number, bytesOut: number): void {
  stats.totalRequests += 1;
  stats.bytesIn += bytesIn;
  stats.bytesOut += bytesOut;
  const entry = (stats.routes[route] ??= { count: 0, byStatus: {}, bytesIn: 0, bytesOut: 0 });
  entry.count += 1;
  entry.byStatus[String(status)] = (entry.byStatus[String(status)] ?? 0) + 1;
  entry.bytesIn += bytesIn;
  entry.bytesOut += bytesOut;
}

export { END_OF_TIME };
