// The CLI's operations on the extension's exported API (for other extensions and the tests):
// the same engine as the commands, without their UI.
import type { HistoryFilter, HistoryPage } from '../../core/store';
import type { ItemOutcome, RunSummary } from '../../core/sync/engineApi';
import { listWorkItemAttachments, type WorkItemAttachmentListing } from '../../core/sync/workItemAttachments';
import type { SyncEngine } from '../../core/sync/engineApi';
import type { CommandDeps } from './deps';

export interface WorkItemApi {
  attach(workItemId: number, files: readonly string[], options?: { comment?: string; link?: boolean }): Promise<RunSummary>;
  /** Two-way sync of the given work items, or of every tracked one. */
  sync(workItemIds?: readonly number[]): Promise<RunSummary>;
  list(workItemId: number): Promise<WorkItemAttachmentListing>;
  download(workItemId: number, attachmentId: string): Promise<ItemOutcome>;
  track(workItemIds: readonly number[]): Promise<void>;
  untrack(workItemIds: readonly number[]): Promise<void>;
  tracked(): Promise<number[]>;
  history(filter?: HistoryFilter, limit?: number, cursor?: string): Promise<HistoryPage>;
}

/** Thrown by the API when there is no engine: not connected, no folder, or the database is held by another process. */
export class NotReadyError extends Error {
  override readonly name = 'NotReadyError';
}

export function workItemApi(deps: CommandDeps): WorkItemApi {
  const engine = async (): Promise<SyncEngine> => {
    const current = await deps.sync.engine();
    if (!current) throw new NotReadyError('Azure DevOps Attachment Sync is not ready: connect, and open a folder.');
    return current;
  };
  const refreshing = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } finally {
      deps.refresh();
    }
  };
  return {
    attach: async (workItemId, files, options) => refreshing((await engine()).attach({ files, workItemId, trigger: 'attach', ...options })),
    sync: async (workItemIds) => refreshing((await engine()).sync({ workItemIds, trigger: 'manual' })),
    list: async (workItemId) => {
      const state = deps.connection.current;
      const store = await deps.sync.store();
      if (!state || !store) throw new NotReadyError('Not connected, or no folder is open.');
      return listWorkItemAttachments(state.client, store, workItemId);
    },
    download: async (workItemId, attachmentId) => refreshing((await engine()).download(workItemId, attachmentId)),
    track: async (ids) => refreshing((await engine()).track(ids)),
    untrack: async (ids) => refreshing((await engine()).untrack(ids)),
    tracked: async () => (await engine()).trackedIds(),
    history: async (filter, limit, cursor) => {
      const store = await deps.sync.store();
      if (!store) throw new NotReadyError('Not connected, or no folder is open.');
      return store.history.page(filter, limit, cursor);
    },
  };
}
