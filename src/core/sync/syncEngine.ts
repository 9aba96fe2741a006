// The sync engine the CLI, the extension and the server drive (engineApi.ts): a thin façade over
// the one coordinator. Attach and sync mark work items dirty and wait for the coordinator to
// process them; the single operations (link, download, remove) run while no sync holds the item.
import path from 'node:path';
import { toItemError } from './itemError';
import type { AttachmentRow, DirtyReason } from '../store';
import { asSyncDb } from '../store/sqlJsDb';
import type { SyncDb, SyncDbRepositories } from '../store/syncDb';
import { SyncCoordinator, type CoordinatorState } from './coordinator';
import type { AttachRequest, BlockedPlan, ItemOutcome, RunSummary, SyncEngine, SyncEngineOptions, SyncRequest } from './engineApi';
import { SyncEvents } from './events';
import { downloadToStaging, moveNoReplace, placeStaged } from './inbound';
import { SyncRequestError } from './itemError';
import { allocateName, conflictFileName, nameKey, sanitizeFileName } from './localFileName';
import { scanMirrorFolder, type HashCache } from './mirrorFolder';
import { identify, uploadContent } from './outbound';
import { UploadJournal } from './uploadJournal';
import type { PlannedAction } from './planner';
import { recordEffects } from './recordEffects';
import { remoteAttachmentsOf } from './remoteAttachments';
import { Run } from './run';
import { RunRecorder } from './runRecorder';

type Log = NonNullable<SyncEngineOptions['log']>;

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  return new Engine(options);
}

class Engine implements SyncEngine {
  readonly events: SyncEvents;
  private readonly coordinator: SyncCoordinator;
  private readonly log: Log;
  private readonly recorder: RunRecorder;
  readonly mirrorRoot: string;
  private readonly hashes: HashCache = new Map();
  private readonly now: () => Date;
  private readonly store: SyncDb;

  constructor(private readonly o: SyncEngineOptions) {
    this.store = asSyncDb(o.store);
    this.events = o.events ?? new SyncEvents();
    this.log = o.log ?? (() => undefined);
    this.now = o.now ?? (() => new Date());
    this.mirrorRoot = path.resolve(o.workspaceRoot, o.settings.storagePath);
    this.recorder = new RunRecorder(this.store, o.client.project, o.origin ?? { client: 'ado-sync', version: '0.0.0' }, this.log);
    this.coordinator = new SyncCoordinator({
      client: o.client, store: this.store, settings: o.settings, mirrorRoot: this.mirrorRoot, events: this.events, recorder: this.recorder,
      log: this.log, concurrency: o.concurrency, backoff: o.backoff, now: this.now, leaseMs: o.leaseMs,
    });
  }

  async attach(request: AttachRequest): Promise<RunSummary> {
    const workItemId = request.workItemId;
    await this.track([workItemId]);
    // One request per file: a file named twice (a glob and a path) is attached once.
    const files = [...new Set(request.files.map((f) => path.resolve(this.o.workspaceRoot, f)))];
    if (request.moveFrom !== undefined && files.length !== 1) throw new TypeError('moveFrom names the bytes of one file');
    const refused: ItemOutcome[] = [];
    const accepted: { file: string; sha256: string; size: number }[] = [];
    for (const file of files) {
      try {
        accepted.push({ file, ...(await identify(request.moveFrom ?? file, this.o.settings.maxFileSize, request.signal)) });
      } catch (error) {
        refused.push({ workItemId, fileName: path.basename(file), direction: 'outbound', status: 'failed', localPath: file, error: toItemError(error) });
      }
    }
    if (request.link === false) return this.uploadOnly(workItemId, accepted, refused, request.signal);
    const prepare = async () => {
      const ids = await this.store.transaction(async (tx) => {
        const earlier = (await tx.attachments.forWorkItem(workItemId)).filter((r) => r.attachmentGuid === null);
        const written: { id: number; created: boolean }[] = [];
        for (const a of accepted) written.push(await this.requestAttach(tx, workItemId, earlier, a.file, a.sha256, a.size, request.comment));
        return written;
      });
      if (request.moveFrom === undefined || accepted.length === 0) return;
      try {
        await moveNoReplace(request.moveFrom, accepted[0].file);
      } catch (error) {
        // Its file never arrived: a request written for it is withdrawn (the caller may try another
        // name); one it joined (the same bytes asked for at that path) stays its asker's.
        if (ids[0].created) await this.store.attachments.softDelete(ids[0].id);
        throw error;
      }
    };
    return this.coordinator.request([workItemId], request.trigger ?? 'attach', 'attach', {
      signal: request.signal, retryFailed: true, preflight: refused, files: accepted.map((a) => a.file), prepare,
    });
  }

  link(workItemId: number, attachmentUrl: string, options: { comment?: string; fileName?: string; signal?: AbortSignal } = {}): Promise<RunSummary> {
    return this.single('manual', workItemId, async () => {
      const fileName = options.fileName ?? 'attachment';
      try {
        const answer = await this.o.client.linkAttachments(workItemId, [{ url: attachmentUrl, comment: options.comment, name: options.fileName }], { signal: options.signal });
        const result = answer.results[0];
        if (result.status === 'failed') throw result.error ?? new Error('the link was refused');
        const rel = remoteAttachmentsOf(answer.workItem).find((r) => r.url.toLowerCase() === attachmentUrl.toLowerCase());
        return { workItemId, fileName: rel?.fileName ?? fileName, direction: 'outbound', status: result.status === 'alreadyLinked' ? 'duplicate' : 'linked',
          attachmentId: rel?.attachmentId, attachmentUrl, sha256: rel?.sha256 };
      } catch (error) {
        return { workItemId, fileName, direction: 'outbound', status: 'failed', attachmentUrl, error: toItemError(error) };
      }
    });
  }

  async sync(request: SyncRequest = {}): Promise<RunSummary> {
    const ids = [...(request.workItemIds ?? await this.coordinator.readTracked())];
    return this.coordinator.request(ids, request.trigger ?? 'manual', request.trigger === 'webhook' ? 'webhook' : 'manual', {
      signal: request.signal, replace: request.replace, force: request.force, retryFailed: request.retryFailed,
    });
  }

  async plan(request: { workItemIds?: readonly number[]; force?: boolean; replace?: boolean; signal?: AbortSignal } = {}): Promise<(PlannedAction | BlockedPlan)[]> {
    const plans = await this.coordinator.plan([...(request.workItemIds ?? await this.coordinator.readTracked())], { force: request.force, replace: request.replace }, request.signal);
    return plans.flatMap((p): (PlannedAction | BlockedPlan)[] => (p.blocked ? [{ kind: 'blocked', workItemId: p.workItemId, fileName: `work item ${p.workItemId}`, ...p.blocked }] : p.actions));
  }

  poll(): Promise<RunSummary | undefined> {
    return this.coordinator.poll();
  }

  start(options: { pollIntervalMs?: number } = {}): void {
    this.coordinator.start(options.pollIntervalMs ?? 0);
  }

  setPollInterval(ms: number): void {
    this.coordinator.setPollInterval(ms);
  }

  markDirty(workItemIds: readonly number[], reason: DirtyReason): void {
    this.coordinator.markDirty(workItemIds, reason);
  }

  localFileChanged(filePath: string): void {
    this.coordinator.localFileChanged(filePath);
  }

  state(): CoordinatorState {
    return this.coordinator.state();
  }

  download(workItemId: number, attachmentId: string, options: { signal?: AbortSignal } = {}): Promise<ItemOutcome> {
    return this.coordinator.withItem(workItemId, async () => {
      const item = await this.o.client.getWorkItem(workItemId, { expand: 'relations', signal: options.signal });
      const remote = remoteAttachmentsOf(item).find((r) => r.attachmentId === attachmentId.toLowerCase());
      if (!remote) throw new SyncRequestError(`Attachment ${attachmentId} is not attached to work item ${workItemId}.`, 'AttachmentNotOnWorkItem');
      const local = await scanMirrorFolder(this.mirrorRoot, [workItemId], this.hashes);
      const record = await this.store.attachments.forWorkItemAndGuid(workItemId, remote.attachmentId);
      const content = record?.sha256 ?? undefined;
      const same = content ? local.find((f) => f.sha256 === content) : undefined;
      const base = { workItemId, direction: 'inbound' as const, attachmentId: remote.attachmentId, attachmentUrl: remote.url };
      const fx = recordEffects(workItemId);
      if (same) {
        await this.store.transaction((tx) => fx.adopt({ attachmentId: remote.attachmentId, attachmentUrl: remote.url, fileName: remote.fileName, localPath: same.path, sha256: same.sha256, size: same.size })(tx));
        return { ...base, fileName: same.fileName, status: 'duplicate', localPath: same.path, sha256: same.sha256, size: same.size };
      }
      const dir = path.join(this.mirrorRoot, String(workItemId));
      const taken = new Set([...local.map((f) => nameKey(f.fileName)),
        ...(await this.store.attachments.forWorkItem(workItemId)).filter((r) => r.localPath && path.dirname(r.localPath) === dir).map((r) => nameKey(path.basename(r.localPath as string)))]);
      // A different local file holds the name: the download lands beside it under a conflict name.
      const safe = sanitizeFileName(remote.fileName);
      const held = local.some((f) => nameKey(f.fileName) === nameKey(safe));
      const target = path.join(dir, allocateName(held ? conflictFileName(safe, 'ADO', this.now()) : safe, taken));
      const staged = await downloadToStaging({ client: this.o.client, mirrorRoot: this.mirrorRoot, signal: options.signal },
        { attachmentId: remote.attachmentId, fileName: remote.fileName, sha256: content });
      await placeStaged(staged, target);
      await this.store.transaction((tx) => fx.downloaded({ attachmentId: remote.attachmentId, attachmentUrl: remote.url, fileName: remote.fileName, localPath: target, sha256: staged.sha256, size: staged.size })(tx));
      await this.recorder.action('attachment_downloaded', 'attachment', remote.attachmentId, { work_item_id: workItemId, file: path.basename(target) });
      await this.saveSoon();
      return { ...base, fileName: path.basename(target), adoName: remote.fileName, status: held ? 'conflict' : 'downloaded', localPath: target, sha256: staged.sha256, size: staged.size };
    });
  }

  removeFromWorkItem(workItemId: number, attachmentId: string, options: { signal?: AbortSignal } = {}): Promise<ItemOutcome> {
    return this.coordinator.withItem(workItemId, async () => {
      const result = await this.o.client.removeAttachmentRelation(workItemId, attachmentId, options);
      const row = await this.store.attachments.forWorkItemAndGuid(workItemId, attachmentId.toLowerCase());
      if (row) await this.store.attachments.markRemoteRemoved(row.id);
      await this.recorder.action('attachment_removed_from_work_item', 'attachment', attachmentId, { work_item_id: workItemId, removed: result.removed });
      await this.saveSoon();
      return { workItemId, fileName: row?.fileName ?? attachmentId, direction: 'outbound', status: 'removed', attachmentId, localPath: row?.localPath ?? undefined };
    });
  }

  async deleteLocalRecord(attachmentId: string): Promise<boolean> {
    const rows = (await this.store.attachments.listByGuid(attachmentId.toLowerCase())).filter((r) => r.deletedAt === null);
    if (rows.length === 0) return false;
    for (const row of rows) await this.store.attachments.softDelete(row.id);
    await this.recorder.action('attachment_record_deleted', 'attachment', attachmentId, { work_item_ids: rows.map((r) => r.workItemId), soft: true });
    return true;
  }

  async track(workItemIds: readonly number[]): Promise<void> {
    const fresh: number[] = [];
    for (const id of workItemIds) if (!(await this.store.trackedItems.get(id))) fresh.push(id);
    if (fresh.length === 0) return;
    const items = await this.o.client.getWorkItems(fresh, { fields: ['System.Title'], errorPolicy: 'omit' });
    const missing = fresh.filter((_, i) => items[i] === null);
    if (missing.length > 0) throw new SyncRequestError(`Work item${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found in project ${this.o.client.project} (or not readable with these credentials).`, 'WorkItemNotFound');
    for (const [i, item] of items.entries()) {
      const title = item?.fields['System.Title'];
      await this.store.trackedItems.track({ workItemId: fresh[i], projectName: this.o.client.project, title: typeof title === 'string' ? title : null });
    }
    await this.coordinator.readTracked();
    await this.recorder.action('work_items_tracked', 'work_item', fresh.join(','), { work_item_ids: fresh });
  }

  async untrack(workItemIds: readonly number[]): Promise<void> {
    for (const id of workItemIds) {
      await this.store.trackedItems.untrack(id);
      await this.store.dirtyItems.remove(this.o.client.project, id);
    }
    await this.coordinator.readTracked();
    await this.recorder.action('work_items_untracked', 'work_item', workItemIds.join(','), { work_item_ids: workItemIds });
  }

  trackedIds(): number[] {
    return this.coordinator.trackedIds();
  }

  /** Settles once trackedIds() and state() answer from the store (right after creation they are empty). */
  ready(): Promise<void> {
    return this.coordinator.ready;
  }

  recoverInterrupted(): Promise<number> {
    return this.coordinator.recover();
  }

  async close(): Promise<void> {
    await this.coordinator.close();
    await this.store.flush();
  }

  /** A single operation's record on disk now; a failed save is the store's to report and retry, not this operation's failure. */
  private async saveSoon(): Promise<void> {
    try {
      await this.store.flush();
    } catch (error) {
      this.log('warn', toItemError(error).message);
    }
  }

  /** An attach request is a record of ours without a remote identity, until the coordinator carries it out. */
  /** The request's record: an earlier one for the same file and bytes, or a new one (`created`). */
  private async requestAttach(tx: SyncDbRepositories, workItemId: number, pending: readonly AttachmentRow[], file: string, sha256: string, size: number,
    comment: string | undefined): Promise<{ id: number; created: boolean }> {
    const records = tx.attachments;
    const earlier = pending.find((r) => r.localPath === file && r.sha256 === sha256);
    if (earlier) {
      await records.reopenRequest(earlier.id, this.coordinator.owner);
      return { id: earlier.id, created: false };
    }
    // A failed request for other content at this path is superseded by this one (one record a path).
    for (const r of pending) if (r.localPath === file && r.syncStatus === 'FAILED') await records.softDelete(r.id);
    const row = await records.insert({ workItemId, fileName: path.basename(file), fileSize: size, source: 'TOOL', localPath: file, sha256, syncStatus: 'PENDING',
      comment: comment ?? null, requestedBy: this.coordinator.owner });
    return { id: row.id, created: true };
  }

  /** The seed's upload without link: bytes into ADO, remembered for de-duplication, no relation. */
  private uploadOnly(workItemId: number, files: { file: string; sha256: string; size: number }[], refused: ItemOutcome[], signal?: AbortSignal): Promise<RunSummary> {
    return this.single('attach', workItemId, async (run) => {
      for (const r of refused) await run.add(r);
      const journal = UploadJournal.of(this.store);
      for (const f of files) {
        const fileName = path.basename(f.file);
        try {
          const up = await uploadContent({ client: this.o.client, store: this.store, settings: this.o.settings, journal, collectionUrl: this.o.client.org.baseUrl, now: this.now, signal },
            workItemId, { path: f.file, fileName, sha256: f.sha256, size: f.size });
          if (!up.reused) await this.store.dedup.remember({ collectionUrl: this.o.client.org.baseUrl, sha256Hash: f.sha256, attachmentGuid: up.attachmentId, attachmentUrl: up.url, fileSize: f.size, firstWorkItemId: workItemId });
          await run.add({ workItemId, fileName, direction: 'outbound', status: up.reused ? 'duplicate' : 'uploaded', localPath: f.file, sha256: f.sha256, size: f.size, attachmentId: up.attachmentId, attachmentUrl: up.url });
        } catch (error) {
          await run.add({ workItemId, fileName, direction: 'outbound', status: 'failed', localPath: f.file, sha256: f.sha256, size: f.size, error: toItemError(error) });
        }
      }
      return undefined;
    });
  }

  /** A one-item run outside the coordinator's queue, while no sync holds the item. */
  private single(trigger: 'manual' | 'attach', workItemId: number, body: (run: Run) => Promise<ItemOutcome | undefined>): Promise<RunSummary> {
    const run = new Run(trigger, [workItemId], undefined, this.recorder, this.events, this.now, () => this.store.flush());
    return this.coordinator.withItem(workItemId, async () => {
      await run.record();
      const outcome = await body(run);
      if (outcome) await run.add(outcome);
      for (const item of run.items) run.announce(item);
      run.itemDone(workItemId);
      return run.done;
    });
  }
}
