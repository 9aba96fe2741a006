// Sync history for attachment runs (seed 002's flow on the store): a sync_history row that goes
// pending -> in_progress -> completed | failed | cancelled, one sync_history_items row per item with
// single-statement counter increments as items finish, and audit entries with the run's origin.
// History writing never fails a sync (DESIGN.md principle 5): every store error is logged and the
// run goes on.
import os from 'node:os';
import type { HistoryCounters, HistoryItemStatus, RunLease } from '../store';
import type { SyncDb, SyncDbRepositories } from '../store/syncDb';
import type { ItemOutcome, ItemOutcomeStatus, RunSummary, RunTrigger, SyncEngineOptions } from './engineApi';
import { errorMessage } from '../errorMessage';

type Log = NonNullable<SyncEngineOptions['log']>;
type Origin = NonNullable<SyncEngineOptions['origin']>;

const ITEM_STATUS: Record<ItemOutcomeStatus, HistoryItemStatus> = {
  uploaded: 'uploaded', linked: 'linked', downloaded: 'downloaded', duplicate: 'skipped', conflict: 'conflict',
  remote_removed: 'deleted', removed: 'deleted', failed: 'failed', cancelled: 'skipped', deleted_locally: 'deleted', blocked: 'skipped',
};

const COUNTER: Partial<Record<ItemOutcomeStatus, keyof HistoryCounters>> = {
  uploaded: 'uploaded', linked: 'linked', downloaded: 'downloaded', conflict: 'downloaded', duplicate: 'skippedDuplicate',
  remote_removed: 'deleted', removed: 'deleted', failed: 'itemsFailed',
};

/** A run id for when the store refused to create the row: the sync goes on unrecorded. */
export const UNRECORDED_RUN = -1;

export class RunRecorder {
  private lease: RunLease | undefined;

  constructor(private readonly store: SyncDb, private readonly project: string, private readonly origin: Origin, private readonly log: Log) {}

  /**
   * Runs recorded from now on carry this owner's lease, which its heartbeat renews: on a shared
   * database another process ends them as interrupted only once the owner has stopped renewing.
   */
  ownRuns(lease: RunLease): void {
    this.lease = lease;
  }

  start(trigger: RunTrigger, workItemIds: readonly number[]): Promise<number> {
    return this.safe('start', UNRECORDED_RUN, async () => {
      const row = await this.store.history.create({
        kind: 'attachment_sync', trigger, status: 'pending', projectName: this.project,
        workItemId: workItemIds.length === 1 ? workItemIds[0] : null, sourceType: 'workspace', targetType: 'azure_devops', lease: this.lease,
      });
      await this.store.history.update(row.id, { status: 'in_progress' });
      await this.audit('sync_started', row.id, { trigger, work_item_ids: workItemIds.slice(0, 50), project_name: this.project });
      return row.id;
    });
  }

  async planned(runId: number, totalItems: number): Promise<void> {
    if (runId === UNRECORDED_RUN) return;
    await this.safe('total', undefined, () => this.store.history.update(runId, { totalItems }));
  }

  /** store: the transaction of the work item's commit, when the item is recorded with its records. */
  async item(runId: number, o: ItemOutcome, store: SyncDbRepositories = this.store): Promise<void> {
    if (runId === UNRECORDED_RUN) return;
    await this.safe('item', undefined, async () => {
      await store.history.addItems(runId, [{
        // The local name, and the ADO name beside it where they differ (made safe, numbered, a conflict copy).
        itemName: o.adoName && o.adoName !== o.fileName ? `${o.fileName} (in ADO: ${o.adoName})` : o.fileName, itemType: 'attachment', status: ITEM_STATUS[o.status], workItemId: o.workItemId,
        azureDevopsUrl: o.attachmentUrl ?? null, filePath: o.localPath ?? null, fileSize: o.size ?? null, sha256: o.sha256 ?? null,
        errorCode: o.error?.code ?? null, errorMessage: o.error?.message ?? null,
      }]);
      // preferLocal's kept conflict downloads nothing.
      const counter = o.status === 'conflict' && !o.size ? undefined : COUNTER[o.status];
      const moved = (o.status === 'uploaded' || o.status === 'downloaded' || o.status === 'conflict') && o.size ? o.size : 0;
      await store.history.increment(runId, { ...(counter ? { [counter]: 1 } : {}), ...(moved ? { bytesTransferred: moved } : {}) });
    });
  }

  async finish(summary: RunSummary): Promise<void> {
    if (summary.runId === UNRECORDED_RUN) return;
    await this.safe('finish', undefined, async () => {
      await this.store.history.update(summary.runId, { status: summary.status, errorMessage: summary.error?.message ?? null, completedAt: summary.completedAt });
      await this.audit(`sync_${summary.status}`, summary.runId, { counters: summary.counters, duration_ms: summary.durationMs, ...(summary.error ? { error: summary.error } : {}) });
    });
    // The end of a run is a flush point (DESIGN.md "Data").
    await this.safe('flush', undefined, () => this.store.flush());
  }

  /** A user action outside a run (remove from work item, soft delete, track). */
  async action(actionType: string, entityType: string, entityId: string, details: Record<string, unknown>): Promise<void> {
    await this.safe('audit', undefined, () => this.store.audit.log({ actionType, entityType, entityId, ...this.originColumns(), details }));
  }

  private async audit(actionType: string, runId: number, details: Record<string, unknown>): Promise<void> {
    await this.store.audit.log({ actionType, entityType: 'sync', entityId: String(runId), ...this.originColumns(), details });
  }

  private originColumns() {
    return { userAgent: `${this.origin.client}/${this.origin.version}`, clientVersion: this.origin.version, host: this.origin.host ?? os.hostname(), userName: this.origin.user ?? safeUser() };
  }

  private async safe<T>(what: string, fallback: T, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      this.log('warn', `history: ${what} failed, the sync goes on: ${errorMessage(e)}`);
      return fallback;
    }
  }
}

function safeUser(): string | null {
  try { return os.userInfo().username; } catch { return null; }
}
