// The two-way sync engine: attach (outbound), sync (both ways, planned per work item), and the
// single-item operations, each run recorded in sync_history and announced through SyncEvents.
// The CLI, the extension and the webhook server all drive this one object (engineApi.ts).
import path from 'node:path';
import { CancelledError, type WorkItem } from '../ado';
import type { SyncStore } from '../store';
import { checkMaxDelete } from './maxDeleteBrake';
import type {
  AttachRequest, ItemOutcome, RunCounters, RunSummary, RunTrigger, SyncEngine, SyncEngineOptions, SyncRequest,
} from './engineApi';
import { SyncEvents } from './events';
import { downloadAttachmentInto } from './inbound';
import { SyncRequestError, toItemError } from './itemError';
import { type JobResult, type JobSpec, RunAbortedError, runJobs } from './jobQueue/jobWorker';
import { type HashCache, scanMirrorFolder } from './mirrorFolder';
import { attachFile } from './outbound';
import { type KnownVersion, type PlannedAction, planWorkItem } from './planner';
import { remoteAttachmentsOf } from './remoteAttachments';
import { RunRecorder } from './runRecorder';
import { detectChanges } from './changeDetection';
import { KeyedMutex } from './keyedMutex';

type Transfer = Extract<PlannedAction, { kind: 'upload' | 'download' | 'conflict' }>;
type Log = NonNullable<SyncEngineOptions['log']>;

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  return new Engine(options);
}

class Engine implements SyncEngine {
  readonly events: SyncEvents;
  private readonly log: Log;
  private readonly recorder: RunRecorder;
  private readonly mirrorRoot: string;
  private readonly running = new Set<Promise<unknown>>();
  /** Links to one work item one at a time: concurrent PATCHes of one item only meet 412s. */
  private readonly itemLock = new KeyedMutex<number>();
  private readonly hashes: HashCache = new Map();
  private lastRun: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;

  constructor(private readonly o: SyncEngineOptions) {
    this.events = o.events ?? new SyncEvents();
    this.log = o.log ?? (() => undefined);
    this.now = o.now ?? (() => new Date());
    this.mirrorRoot = path.resolve(o.workspaceRoot, o.settings.storagePath);
    this.recorder = new RunRecorder(o.store, o.client.project, o.origin ?? { client: 'ado-sync', version: '0.0.0' }, this.log);
  }

  private get store(): SyncStore { return this.o.store; }

  attach(request: AttachRequest): Promise<RunSummary> {
    const workItemId = request.workItemId;
    // One job per file: a file named twice (a glob and a path) is attached once.
    const files = [...new Set(request.files.map((f) => path.resolve(this.o.workspaceRoot, f)))];
    return this.inFlight(this.track([workItemId])).then(() => this.run(request.trigger ?? 'attach', [workItemId], request.signal, async (run) => {
      run.planned(files.length);
      const specs = files.map((file) => ({ key: `upload:${workItemId}:${file}`, type: 'upload', workItemId, payload: { kind: 'upload', path: file, fileName: path.basename(file) } as const }));
      await this.transfer(run, specs, { comment: request.comment, link: request.link ?? true });
    }));
  }

  link(workItemId: number, attachmentUrl: string, options: { comment?: string; fileName?: string; signal?: AbortSignal } = {}): Promise<RunSummary> {
    return this.run('manual', [workItemId], options.signal, async (run) => {
      const fileName = options.fileName ?? 'attachment';
      try {
        const result = await this.itemLock.run(workItemId, () => this.o.client.linkAttachment(workItemId, attachmentUrl, { comment: options.comment, name: options.fileName, signal: options.signal }));
        const rel = remoteAttachmentsOf(result.workItem).find((r) => r.url === result.relation.url);
        run.add({ workItemId, fileName: rel?.fileName ?? fileName, direction: 'outbound', status: result.alreadyLinked ? 'duplicate' : 'linked', attachmentId: rel?.attachmentId, attachmentUrl: result.relation.url, sha256: rel?.sha256 });
      } catch (error) {
        run.add({ workItemId, fileName, direction: 'outbound', status: 'failed', attachmentUrl, error: toItemError(error) });
      }
    });
  }

  sync(request: SyncRequest = {}): Promise<RunSummary> {
    const trigger = request.trigger ?? 'manual';
    const ids = [...(request.workItemIds ?? this.trackedIds())];
    return this.run(trigger, ids, request.signal, async (run) => {
      const actions = await this.planFor(ids, trigger === 'poll' && !request.workItemIds, request.signal);
      const removals = actions.filter((a) => a.kind === 'markRemoteRemoved');
      // A single removal never brakes; a mass disappearance (wrong project, bulk edit) does.
      if (removals.length > 1) checkMaxDelete(removals.length, this.syncedRecordCount(ids), this.o.settings.maxDeleteShare);
      const transfers = actions.filter((a): a is Transfer => a.kind === 'upload' || a.kind === 'download' || a.kind === 'conflict');
      run.planned(transfers.length + removals.length);
      for (const a of actions) this.applyBookkeeping(run, a);
      const specs = this.applyConflictPolicy(run, transfers).map((a) => ({ key: `${a.kind}:${a.workItemId}:${a.kind === 'upload' ? a.sha256 : a.attachmentId}`, type: a.kind, workItemId: a.workItemId, payload: a }));
      await this.transfer(run, specs, { link: true });
      if (request.replace) await this.replacePreviousVersions(run, transfers, request.signal);
    });
  }

  async plan(request: { workItemIds?: readonly number[]; signal?: AbortSignal } = {}): Promise<PlannedAction[]> {
    return this.planFor([...(request.workItemIds ?? this.trackedIds())], false, request.signal);
  }

  async download(workItemId: number, attachmentId: string, options: { signal?: AbortSignal } = {}): Promise<ItemOutcome> {
    const item = await this.o.client.getWorkItem(workItemId, { expand: 'relations', signal: options.signal });
    const remote = remoteAttachmentsOf(item).find((r) => r.attachmentId === attachmentId.toLowerCase());
    if (!remote) throw new SyncRequestError(`Attachment ${attachmentId} is not attached to work item ${workItemId}.`, 'AttachmentNotOnWorkItem');
    const local = (await scanMirrorFolder(this.mirrorRoot, [workItemId], this.hashes)).find((f) => f.fileName.toLowerCase() === remote.fileName.toLowerCase());
    const content = remote.sha256 ?? this.store.attachments.forWorkItemAndGuid(workItemId, remote.attachmentId)?.sha256 ?? undefined;
    if (local && content === local.sha256) return { workItemId, fileName: local.fileName, direction: 'inbound', status: 'duplicate', localPath: local.path, sha256: local.sha256, size: local.size, attachmentId: remote.attachmentId, attachmentUrl: remote.url };
    const action = { workItemId, fileName: remote.fileName, attachmentId: remote.attachmentId, attachmentUrl: remote.url, sha256: remote.sha256, size: remote.size };
    // A local file of that name: unknown remote content is compared first; known different content is kept beside it.
    const planned: Extract<PlannedAction, { kind: 'download' | 'conflict' }> = !local ? { kind: 'download', ...action }
      : content === undefined ? { kind: 'download', ...action, verify: local.path } : { kind: 'conflict', ...action, localPath: local.path };
    const outcome = await downloadAttachmentInto(this.inboundContext(options.signal), planned);
    this.recorder.action('attachment_downloaded', 'attachment', remote.attachmentId, { work_item_id: workItemId, file: outcome.fileName });
    this.store.flush();
    return outcome;
  }

  async removeFromWorkItem(workItemId: number, attachmentId: string, options: { signal?: AbortSignal } = {}): Promise<ItemOutcome> {
    const result = await this.itemLock.run(workItemId, () => this.o.client.removeAttachmentRelation(workItemId, attachmentId, options));
    const row = this.store.attachments.forWorkItemAndGuid(workItemId, attachmentId.toLowerCase());
    if (row) this.store.attachments.markRemoteRemoved(row.id);
    this.recorder.action('attachment_removed_from_work_item', 'attachment', attachmentId, { work_item_id: workItemId, removed: result.removed });
    this.store.flush();
    return { workItemId, fileName: row?.fileName ?? attachmentId, direction: 'outbound', status: 'removed', attachmentId, localPath: row?.localPath ?? undefined };
  }

  deleteLocalRecord(attachmentId: string): boolean {
    const rows = this.store.attachments.listByGuid(attachmentId.toLowerCase()).filter((r) => r.deletedAt === null);
    if (rows.length === 0) return false;
    for (const row of rows) this.store.attachments.softDelete(row.id);
    this.recorder.action('attachment_record_deleted', 'attachment', attachmentId, { work_item_ids: rows.map((r) => r.workItemId), soft: true });
    return true;
  }

  async track(workItemIds: readonly number[]): Promise<void> {
    const fresh = workItemIds.filter((id) => !this.store.trackedItems.get(id));
    if (fresh.length === 0) return;
    const items = await this.o.client.getWorkItems(fresh, { fields: ['System.Title'], errorPolicy: 'omit' });
    const missing = fresh.filter((_, i) => items[i] === null);
    if (missing.length > 0) throw new SyncRequestError(`Work item${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found in project ${this.o.client.project} (or not readable with these credentials).`, 'WorkItemNotFound');
    items.forEach((item, i) => this.store.trackedItems.track({ workItemId: fresh[i], projectName: this.o.client.project, title: titleOf(item) }));
    this.recorder.action('work_items_tracked', 'work_item', fresh.join(','), { work_item_ids: fresh });
  }

  untrack(workItemIds: readonly number[]): void {
    for (const id of workItemIds) this.store.trackedItems.untrack(id);
    this.recorder.action('work_items_untracked', 'work_item', workItemIds.join(','), { work_item_ids: workItemIds });
  }

  trackedIds(): number[] {
    return this.store.trackedItems.list(this.o.client.project).map((t) => t.workItemId);
  }

  recoverInterrupted(): number {
    const stale = this.store.history.page({ status: ['pending', 'in_progress'] }, 1000).rows;
    for (const run of stale) this.store.history.update(run.id, { status: 'failed', errorMessage: 'interrupted' });
    const jobs = this.store.jobs.abandonUnfinished('interrupted: the next sync plans this work again');
    this.store.uploadSessions.expireStale();
    if (stale.length > 0 || jobs > 0) this.log('warn', `Recovered from an interrupted process: ${stale.length} run(s) marked failed, ${jobs} job(s) abandoned.`);
    return stale.length;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.running]);
    this.store.flush();
  }

  // ---- runs -------------------------------------------------------------------------------

  /**
   * Runs take turns: two runs planning the same work item at once would both upload or download
   * what is new (a duplicate relation, a second copy). Within a run, transfers run in parallel.
   */
  private run(trigger: RunTrigger, workItemIds: readonly number[], signal: AbortSignal | undefined, body: (run: RunScope) => Promise<void>): Promise<RunSummary> {
    const turn = this.lastRun.then(() => this.execute(trigger, workItemIds, signal, body));
    this.lastRun = turn.catch(() => undefined);
    return this.inFlight(turn);
  }

  /** close() waits for everything registered here (a run, or the steps before one). */
  private inFlight<T>(task: Promise<T>): Promise<T> {
    this.running.add(task);
    void task.catch(() => undefined).finally(() => this.running.delete(task));
    return task;
  }

  private async execute(trigger: RunTrigger, workItemIds: readonly number[], signal: AbortSignal | undefined, body: (run: RunScope) => Promise<void>): Promise<RunSummary> {
    const startedAt = this.now();
    const runId = this.recorder.start(trigger, workItemIds);
    const scope = new RunScope(runId, signal, this.recorder, this.events);
    this.events.emit('runStarted', { runId, trigger, totalItems: 0, workItemIds });
    let error: unknown;
    try {
      await body(scope);
    } catch (e) {
      error = e instanceof RunAbortedError ? e.cause : e;
      this.log('error', `Sync run ${runId} stopped: ${toItemError(error).message}`);
    }
    const completedAt = this.now();
    const counters = countOutcomes(scope.items);
    const cancelled = signal?.aborted === true || error instanceof CancelledError;
    const summary: RunSummary = {
      runId, trigger, startedAt: startedAt.toISOString(), completedAt: completedAt.toISOString(), durationMs: completedAt.getTime() - startedAt.getTime(),
      status: cancelled ? 'cancelled' : error !== undefined || counters.failed > 0 ? 'failed' : 'completed',
      counters, items: scope.items, ...(error !== undefined && !cancelled ? { error: toItemError(error) } : {}),
    };
    this.recorder.finish(summary);
    const failed = counters.failed;
    const skipped = scope.items.filter((i) => i.status === 'duplicate' || i.status === 'cancelled').length;
    this.events.emit('runFinished', { runId, status: summary.status, succeeded: scope.items.length - failed - skipped, failed, skipped, summary });
    return summary;
  }

  /** Runs the transfers through the job queue; every one ends as exactly one item outcome. */
  private async transfer(run: RunScope, specs: JobSpec<TransferPayload>[], outbound: { comment?: string; link: boolean }): Promise<void> {
    if (specs.length === 0) return;
    const handler = (spec: JobSpec<TransferPayload>): Promise<ItemOutcome> => {
      const p = spec.payload;
      const onProgress = (bytes: number, total: number) => this.events.emit('itemProgress', { runId: run.runId, workItemId: spec.workItemId, fileName: p.fileName, direction: p.kind === 'upload' ? 'outbound' : 'inbound', bytes, total });
      if (p.kind === 'upload') {
        const serialize = <T>(id: number, task: () => Promise<T>) => this.itemLock.run(id, task);
        return attachFile({ client: this.o.client, store: this.store, settings: this.o.settings, signal: run.signal, onProgress, serialize },
          spec.workItemId, { path: p.path, fileName: p.fileName, sha256: p.sha256, size: p.size }, outbound);
      }
      return downloadAttachmentInto({ ...this.inboundContext(run.signal), onProgress }, p);
    };
    const onResult = (r: JobResult<TransferPayload, ItemOutcome>) => run.add(r.ok ? r.value : failedOutcome(r.spec, r.error, run.signal));
    await runJobs(this.store, specs, handler, {
      runId: run.runId, concurrency: this.o.concurrency ?? 4, maxAttempts: Math.max(1, this.o.settings.uploadMaxRetries), signal: run.signal,
      log: (m) => this.log('warn', m),
    }, onResult);
  }

  // ---- planning ---------------------------------------------------------------------------

  private async planFor(ids: number[], changedOnly: boolean, signal?: AbortSignal): Promise<PlannedAction[]> {
    if (ids.length === 0) return [];
    const local = await scanMirrorFolder(this.mirrorRoot, ids, this.hashes);
    let scope = ids;
    if (changedOnly) {
      const feed = await detectChanges(this.o.client, this.store, ids, this.now(), (level, m) => this.log(level, m), signal);
      if (feed.changed) {
        const dirty = new Set(local.filter((f) => !this.store.attachments.forWorkItemAndSha(f.workItemId, f.sha256)).map((f) => f.workItemId));
        scope = ids.filter((id) => feed.changed?.has(id) || dirty.has(id));
      }
    }
    const items = scope.length === 0 ? [] : await this.o.client.getWorkItems(scope, { expand: 'relations', errorPolicy: 'omit', signal });
    const actions: PlannedAction[] = [];
    items.forEach((item, i) => {
      if (!item) return this.log('warn', `Work item ${scope[i]} is gone or not readable; skipped.`);
      actions.push(...this.planItem(item, local.filter((f) => f.workItemId === item.id)));
    });
    return actions;
  }

  private planItem(item: WorkItem, local: { fileName: string; path: string; sha256: string; size: number }[]): PlannedAction[] {
    const known: KnownVersion[] = this.store.attachments.forWorkItem(item.id, true).map((r) => ({
      recordId: r.id, fileName: r.fileName, sha256: r.sha256, attachmentId: r.attachmentGuid, synced: r.attachmentGuid !== null && r.lastSyncedAt !== null,
      remoteRemoved: r.remoteRemovedAt !== null, deleted: r.deletedAt !== null,
    }));
    return planWorkItem({ workItemId: item.id, local, remote: remoteAttachmentsOf(item), known });
  }

  /** The actions that only touch our records: adopt (database lost), remote removal marks. */
  private applyBookkeeping(run: RunScope, a: PlannedAction): void {
    if (a.kind === 'adopt') {
      const row = this.store.attachments.forWorkItemAndSha(a.workItemId, a.sha256) ??
        this.store.attachments.insert({ workItemId: a.workItemId, fileName: a.fileName, fileSize: a.size, source: 'TOOL', localPath: a.path, sha256: a.sha256 });
      this.store.attachments.markSynced(row.id, { attachmentGuid: a.attachmentId, attachmentUrl: a.attachmentUrl, sha256: a.sha256 });
    } else if (a.kind === 'markRemoteRemoved') {
      this.store.attachments.markRemoteRemoved(a.recordId);
      run.add({ workItemId: a.workItemId, fileName: a.fileName, direction: 'inbound', status: 'remote_removed', attachmentId: a.attachmentId });
    }
  }

  /** After a changed file went up: its earlier synced versions' relations are removed (files stay). */
  private async replacePreviousVersions(run: RunScope, transfers: Transfer[], signal?: AbortSignal): Promise<void> {
    const changed = transfers.filter((t): t is Extract<Transfer, { kind: 'upload' }> => t.kind === 'upload' && t.reason === 'changed');
    for (const t of changed) {
      if (!run.items.some((i) => i.status === 'uploaded' || i.status === 'linked' ? i.sha256 === t.sha256 && i.workItemId === t.workItemId : false)) continue;
      const older = this.store.attachments.forWorkItem(t.workItemId)
        .filter((r) => r.fileName.toLowerCase() === t.fileName.toLowerCase() && r.sha256 !== t.sha256 && r.attachmentGuid && !r.remoteRemovedAt);
      for (const r of older) {
        try {
          await this.itemLock.run(t.workItemId, () => this.o.client.removeAttachmentRelation(t.workItemId, r.attachmentGuid as string, { signal }));
          this.store.attachments.markRemoteRemoved(r.id);
          run.add({ workItemId: t.workItemId, fileName: r.fileName, direction: 'outbound', status: 'removed', attachmentId: r.attachmentGuid as string, sha256: r.sha256 ?? undefined });
        } catch (error) {
          run.add({ workItemId: t.workItemId, fileName: r.fileName, direction: 'outbound', status: 'failed', attachmentId: r.attachmentGuid as string, error: toItemError(error) });
        }
      }
    }
  }

  /**
   * keepBoth (default): the remote version lands beside the local one under a conflict name.
   * preferLocal: the remote version is not downloaded (remembered, so it is not offered again).
   * preferRemote: the local file moves aside under a conflict name and the remote one takes the name.
   * No policy deletes a file.
   */
  private applyConflictPolicy(run: RunScope, transfers: Transfer[]): Transfer[] {
    const policy = this.o.settings.conflictPolicy;
    if (policy === 'keepBoth') return transfers;
    // preferRemote moves these local files aside: they go up under their new name on the next sync.
    const movedAside = new Set(policy === 'preferRemote' ? transfers.flatMap((t) => (t.kind === 'conflict' ? [t.localPath] : [])) : []);
    return transfers.filter((t) => !(t.kind === 'upload' && movedAside.has(t.path))).flatMap((t): Transfer[] => {
      if (t.kind !== 'conflict') return [t];
      if (policy === 'preferRemote') return [{ kind: 'download', workItemId: t.workItemId, fileName: t.fileName, attachmentId: t.attachmentId, attachmentUrl: t.attachmentUrl, sha256: t.sha256, size: t.size, moveAside: t.localPath }];
      this.store.attachments.insert({ workItemId: t.workItemId, fileName: t.fileName, fileSize: t.size ?? 0, source: 'ADO', attachmentGuid: t.attachmentId, attachmentUrl: t.attachmentUrl, sha256: t.sha256 ?? null, syncStatus: 'CONFLICT' });
      run.add({ workItemId: t.workItemId, fileName: t.fileName, direction: 'inbound', status: 'conflict', localPath: t.localPath, attachmentId: t.attachmentId, attachmentUrl: t.attachmentUrl, sha256: t.sha256, size: t.size });
      return [];
    });
  }

  private syncedRecordCount(ids: readonly number[]): number {
    return ids.reduce((n, id) => n + this.store.attachments.forWorkItem(id).filter((r) => r.attachmentGuid && !r.remoteRemovedAt).length, 0);
  }

  private inboundContext(signal?: AbortSignal) {
    return { client: this.o.client, store: this.store, mirrorRoot: this.mirrorRoot, now: this.now, signal };
  }
}

type TransferPayload =
  | { kind: 'upload'; path: string; fileName: string; sha256?: string; size?: number }
  | Extract<PlannedAction, { kind: 'download' | 'conflict' }>;

/** The outcomes of one run, recorded and announced as each item finishes. */
class RunScope {
  readonly items: ItemOutcome[] = [];
  constructor(readonly runId: number, readonly signal: AbortSignal | undefined, private readonly recorder: RunRecorder, private readonly events: SyncEvents) {}

  planned(total: number): void {
    this.recorder.planned(this.runId, total);
    this.events.emit('runPlanned', { runId: this.runId, totalItems: total });
  }

  add(outcome: ItemOutcome): void {
    this.items.push(outcome);
    this.recorder.item(this.runId, outcome);
    this.events.emit('itemDone', { runId: this.runId, workItemId: outcome.workItemId, fileName: outcome.fileName, status: outcome.status, error: outcome.error?.message, outcome });
  }
}

function failedOutcome(spec: JobSpec<TransferPayload>, error: unknown, signal?: AbortSignal): ItemOutcome {
  const p = spec.payload;
  return {
    workItemId: spec.workItemId, fileName: p.fileName, direction: p.kind === 'upload' ? 'outbound' : 'inbound',
    status: signal?.aborted ? 'cancelled' : 'failed', localPath: p.kind === 'upload' ? p.path : undefined, sha256: p.sha256, size: p.size,
    attachmentId: p.kind === 'upload' ? undefined : p.attachmentId, error: toItemError(error),
  };
}

function countOutcomes(items: readonly ItemOutcome[]): RunCounters {
  const c: RunCounters = { uploaded: 0, linked: 0, downloaded: 0, duplicates: 0, conflicts: 0, remoteRemoved: 0, removed: 0, failed: 0, bytesTransferred: 0 };
  for (const o of items) {
    if (o.status === 'uploaded') c.uploaded++;
    else if (o.status === 'linked') c.linked++;
    else if (o.status === 'downloaded') c.downloaded++;
    else if (o.status === 'duplicate') c.duplicates++;
    else if (o.status === 'conflict') c.conflicts++;
    else if (o.status === 'remote_removed') c.remoteRemoved++;
    else if (o.status === 'removed') c.removed++;
    else if (o.status === 'failed') c.failed++;
    if ((o.status === 'uploaded' || o.status === 'downloaded' || o.status === 'conflict') && o.size) c.bytesTransferred += o.size;
  }
  return c;
}

function titleOf(item: WorkItem | null): string | null {
  const title = item?.fields['System.Title'];
  return typeof title === 'string' ? title : null;
}
