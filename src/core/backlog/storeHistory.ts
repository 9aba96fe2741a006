// BacklogHistory on the sync store (seed 002): one sync_history row of kind 'backlog_import',
// one sync_history_items row per item with single-statement counter increments, and the
// sync_started / completed / failed / cancelled audit entries with their origin.
import type { HistoryCounters, HistoryItemStatus, SyncStore } from '../store';
import { asSyncDb } from '../store/sqlJsDb';
import type { SyncDb } from '../store/syncDb';
import type { BacklogHistory, ItemRecord, RunEnd, RunOrigin, RunStart } from './importHistory';
import type { BacklogKind } from './typeMapping';

const CREATED: Record<BacklogKind, keyof HistoryCounters> = { epic: 'epicsCreated', feature: 'featuresCreated', user_story: 'userStoriesCreated' };
const FAILED: Record<BacklogKind, keyof HistoryCounters> = { epic: 'epicsFailed', feature: 'featuresFailed', user_story: 'userStoriesFailed' };
/** The store has no 'unchanged' item status: an item a re-import left alone is 'skipped'. */
const ITEM_STATUS: Record<ItemRecord['status'], HistoryItemStatus> = { created: 'created', updated: 'updated', unchanged: 'skipped', failed: 'failed' };

function originColumns(origin: RunOrigin) {
  // A local tool has no client IP; the seed's source_ip stays empty.
  return { sourceIp: null, userAgent: origin.userAgent, host: origin.host ?? null, userName: origin.userName ?? null, clientVersion: origin.clientVersion ?? null };
}

/** On either store: the sql.js file (the extension, the CLI by default) or PostgreSQL (--database-url). */
export function storeBacklogHistory(given: SyncStore | SyncDb): BacklogHistory {
  const store = asSyncDb(given);
  return {
    async start(run: RunStart): Promise<number> {
      const row = await store.history.create({
        kind: 'backlog_import',
        trigger: 'import',
        status: 'pending',
        sourceType: run.sourceType,
        sourceConfigId: run.sourceConfigId,
        targetType: run.targetType,
        targetConfigId: run.targetConfigId,
        projectName: run.projectName,
        overwriteMode: String(run.overwriteMode),
        startedAt: run.startedAt.toISOString(),
      });
      await store.history.update(row.id, { totalItems: run.totalItems });
      await store.audit.log({
        actionType: 'sync_started',
        entityType: 'sync',
        entityId: String(row.id),
        ...originColumns(run.origin),
        details: { source_type: run.sourceType, source_config_id: run.sourceConfigId, target_type: run.targetType, project_name: run.projectName, overwrite_mode: run.overwriteMode, total_items: run.totalItems },
      });
      return row.id;
    },
    async markInProgress(id: number): Promise<void> {
      await store.history.update(id, { status: 'in_progress' });
    },
    async addDeletions(id: number, count: number): Promise<void> {
      await store.history.increment(id, { deletionCount: count });
    },
    async recordItem(id: number, item: ItemRecord): Promise<void> {
      await store.history.addItems(id, [
        {
          ardoqId: item.ardoqId,
          itemName: item.itemName,
          itemType: item.itemType,
          status: ITEM_STATUS[item.status],
          azureDevopsId: item.azureDevopsId ?? null,
          azureDevopsUrl: item.azureDevopsUrl ?? null,
          errorMessage: item.errorMessage ?? null,
        },
      ]);
      if (item.status === 'created') await store.history.increment(id, { itemsCreated: 1, [CREATED[item.itemType]]: 1 });
      if (item.status === 'failed') await store.history.increment(id, { itemsFailed: 1, [FAILED[item.itemType]]: 1 });
    },
    async finish(id: number, end: RunEnd, origin: RunOrigin): Promise<void> {
      await store.history.update(id, { status: end.status, errorMessage: end.errorMessage ?? null, completedAt: end.completedAt.toISOString() });
      await store.audit.log({ actionType: `sync_${end.status}`, entityType: 'sync', entityId: String(id), ...originColumns(origin), details: end.details });
      // The end of a run is a flush point (DESIGN.md "Data").
      await store.flush();
    },
  };
}
