// "Retry Failed Items" of a run, on the engine: failed uploads whose file is still in the
// workspace are attached again to their work item (de-duplication skips what already made it);
// other failed items (downloads, files gone) re-sync their work item. The runs start in the
// background and show up in the view through the live events; the view hears how many items.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SyncHistoryItemRow, SyncStore } from '../store';
import type { SyncEngine } from '../sync/engineApi';
import { HistoryRequestError, type RetryEngine } from './historyController';
import { errorMessage } from '../errorMessage';

export interface RetryPlan {
  /** Work item id -> absolute paths to attach again. */
  attach: Map<number, string[]>;
  /** Work items to sync again (inbound failures, files no longer on disk). */
  sync: number[];
  count: number;
}

/** Groups a run's failed items into attach and sync calls; items without a work item are skipped. */
export function planRetry(items: readonly SyncHistoryItemRow[], workspaceRoot: string, exists = fs.existsSync): RetryPlan {
  const attach = new Map<number, string[]>();
  const sync = new Set<number>();
  let count = 0;
  for (const item of items) {
    if (item.status !== 'failed' || item.workItemId === null) continue;
    count++;
    const file = item.filePath ? path.resolve(workspaceRoot, item.filePath) : undefined;
    if (file && exists(file)) attach.set(item.workItemId, [...(attach.get(item.workItemId) ?? []), file]);
    else sync.add(item.workItemId);
  }
  for (const id of attach.keys()) sync.delete(id);
  return { attach, sync: [...sync], count };
}

export function engineRetry(
  store: SyncStore,
  engine: () => Promise<SyncEngine | undefined>,
  workspaceRoot: string,
  log: (message: string) => void,
): RetryEngine {
  return {
    async retryFailedItems(runId) {
      const run = store.history.get(runId);
      if (run?.kind === 'backlog_import') throw new HistoryRequestError('A backlog import is retried by running the import again (re-imports update, never duplicate).');
      const plan = planRetry(store.history.items(runId, 100_000), workspaceRoot);
      if (plan.count === 0) return 0;
      const e = await engine();
      if (!e) throw new HistoryRequestError('Syncing is not available (not connected, or the database is in use): connect and try again.');
      store.audit.log({ actionType: 'retry_failed', entityType: 'sync', entityId: String(runId),
        details: { items: plan.count, attach: [...plan.attach.keys()], sync: plan.sync } });
      void runPlan(e, plan).catch((error: unknown) => log(`Retry of run ${runId} failed: ${errorMessage(error)}`));
      return plan.count;
    },
  };
}

/** One run per work item to attach to, then one sync for the rest; sequential, as a user would. */
async function runPlan(engine: SyncEngine, plan: RetryPlan): Promise<void> {
  for (const [workItemId, files] of plan.attach) await engine.attach({ files, workItemId, trigger: 'manual' });
  if (plan.sync.length) await engine.sync({ workItemIds: plan.sync, trigger: 'manual' });
}
