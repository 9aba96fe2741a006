// The backlog import (issue 9, seed 002): Ardoq epics, features and user stories become Azure
// DevOps work items with their parent links. Idempotent through marker tags (a re-import updates),
// optionally deletes the source's earlier items first (overwrite), reports progress per item,
// honours cancellation, and records the run in history without ever failing because of it.
import { AuthenticationError, type AdoClient, ConflictError, type WorkItem } from '../ado';
import { deleteWorkItemsInChunks } from './batchDelete';
import { type BacklogPlan, type PlannedItem, planBacklog } from './backlogPlan';
import { type BacklogSource, describeSource, type LoadedSource, loadSource } from './backlogSource';
import { findImportedItems } from './importedItems';
import { type BacklogHistory, type ItemRecord, type RunOrigin, SafeHistory } from './importHistory';
import { type BacklogImportSummary, type BacklogProgressListener, emptyKindCounters, type ItemOutcome } from './progressEvents';
import { DEFAULT_TYPE_MAPPING, type TypeMapping } from './typeMapping';
import { type FieldOptions, fieldsForNew, updateOperations } from './workItemFields';
import { workItemWebUrl } from '../ado/workItemWebUrl';

export interface BacklogImportOptions {
  source: BacklogSource;
  /** The session's client: every request (batch delete included) goes through it. */
  client: AdoClient;
  mapping?: TypeMapping;
  /** Also keep the Ardoq id in this field (e.g. Custom.ArdoqId); tags are always written. */
  idField?: string;
  /** Delete the work items earlier imports of this source created, then create afresh. */
  overwrite?: boolean;
  /** Overwrite destroys for good instead of moving to the recycle bin. */
  destroy?: boolean;
  /** Work items per batch delete call (default and maximum 200). */
  deleteChunkSize?: number;
  /** Read everything, change nothing, record no history; events say what would happen. */
  dryRun?: boolean;
  history?: BacklogHistory;
  origin?: RunOrigin;
  signal?: AbortSignal;
  onProgress?: BacklogProgressListener;
  log?: (message: string) => void;
  now?: () => Date;
}

/** The run was cancelled through its AbortSignal. */
export class ImportCancelledError extends Error {
  override name = 'ImportCancelledError';
}

interface RunState {
  options: BacklogImportOptions;
  loaded: LoadedSource;
  plan: BacklogPlan;
  history: SafeHistory;
  summary: BacklogImportSummary;
  fieldOptions: FieldOptions;
  /** Ardoq id -> work item id, for parent links; filled as items are found or created. */
  adoIds: Map<string, number>;
  existing: Map<string, WorkItem>;
  done: number;
}

export async function importBacklog(options: BacklogImportOptions): Promise<BacklogImportSummary> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const startedAt = now();
  const history = new SafeHistory(options.dryRun ? undefined : options.history, log);
  const origin = options.origin ?? { userAgent: 'ado-sync' };
  const summary = emptySummary(options);
  const emit: BacklogProgressListener = (event) => {
    try {
      options.onProgress?.(event);
    } catch (error) {
      log(`A progress listener failed: ${(error as Error).message}`);
    }
  };
  try {
    const loaded = await loadSource(options.source, options.signal);
    const plan = planBacklog(loaded.components, options.mapping ?? DEFAULT_TYPE_MAPPING);
    summary.sourceKey = loaded.sourceKey;
    summary.totalItems = plan.items.length;
    summary.skippedComponents = plan.skipped.length;
    emit({ type: 'source:loaded', components: loaded.components.length, skipped: plan.skipped.length });
    summary.historyId = await history.start({
      sourceType: loaded.sourceType,
      sourceConfigId: loaded.sourceKey,
      targetType: 'azure_devops',
      targetConfigId: `${options.client.org.baseUrl}/${options.client.project}`,
      projectName: options.client.project,
      overwriteMode: Boolean(options.overwrite),
      totalItems: plan.items.length,
      startedAt,
      origin: { ...origin },
    });
    emit({ type: 'sync:started', historyId: summary.historyId, total: plan.items.length, dryRun: Boolean(options.dryRun) });
    checkCancelled(options.signal);
    const imported = await findImportedItems(options.client, loaded.sourceKey, { idField: options.idField, signal: options.signal });
    const state: RunState = {
      options,
      loaded,
      plan,
      history,
      summary,
      fieldOptions: { sourceKey: loaded.sourceKey, idField: options.idField },
      adoIds: new Map(),
      existing: imported.byArdoqId,
      done: 0,
    };
    await history.markInProgress();
    if (options.overwrite) await deleteEarlierImport(state, imported.ids, emit);
    for (const item of plan.items) {
      checkCancelled(options.signal);
      await importItem(state, item, emit);
    }
    summary.status = 'completed';
    await endRun(history, summary, startedAt, now(), origin, options.source);
    emit({ type: 'sync:complete', summary });
  } catch (error) {
    const cancelled = Boolean(options.signal?.aborted) || error instanceof ImportCancelledError;
    summary.status = cancelled ? 'cancelled' : 'failed';
    summary.error = cancelled ? 'Cancelled by the user.' : errorMessage(error);
    if (!cancelled && error instanceof Error) summary.errorName = error.name;
    if (history.id === undefined) summary.historyId = await history.start(failedRunStart(options, summary, startedAt, origin));
    await endRun(history, summary, startedAt, now(), origin, options.source);
    emit(cancelled ? { type: 'sync:cancelled', summary } : { type: 'sync:error', error: summary.error, summary });
  }
  return summary;
}

function emptySummary(options: BacklogImportOptions): BacklogImportSummary {
  return {
    status: 'failed',
    dryRun: Boolean(options.dryRun),
    sourceKey: '',
    project: options.client.project,
    overwrite: Boolean(options.overwrite),
    totalItems: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    byKind: emptyKindCounters(),
    deletionCount: 0,
    deletionFailed: 0,
    skippedComponents: 0,
    durationMs: 0,
  };
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ImportCancelledError('Cancelled by the user.');
}

/** Overwrite: the source's earlier items go, in chunks; deletion_count grows per chunk. */
async function deleteEarlierImport(state: RunState, ids: number[], emit: BacklogProgressListener): Promise<void> {
  const { options, summary } = state;
  if (options.dryRun) {
    summary.deletionCount = ids.length;
    emit({ type: 'deletion:progress', deleted: ids.length, total: ids.length });
    state.existing.clear();
    return;
  }
  const result = await deleteWorkItemsInChunks(options.client, ids, {
    destroy: options.destroy,
    chunkSize: options.deleteChunkSize,
    signal: options.signal,
    onChunk: (chunk) => {
      summary.deletionCount += chunk.deleted.length;
      summary.deletionFailed += chunk.failed.length;
      void state.history.addDeletions(chunk.deleted.length);
      emit({ type: 'deletion:progress', deleted: summary.deletionCount, total: ids.length });
    },
  });
  for (const failure of result.failed) options.log?.(`Overwrite: work item ${failure.id} was not deleted: ${failure.message}`);
  // Items that could not be deleted are updated instead of duplicated.
  const gone = new Set(result.deleted);
  for (const [ardoqId, workItem] of state.existing) if (gone.has(workItem.id)) state.existing.delete(ardoqId);
}

async function importItem(state: RunState, item: PlannedItem, emit: BacklogProgressListener): Promise<void> {
  const { options } = state;
  let outcome: ItemOutcome;
  let adoId: number | undefined;
  let error: string | undefined;
  try {
    const parentId = resolveParent(state, item);
    const existing = state.existing.get(item.ardoqId);
    if (existing) {
      adoId = existing.id;
      // The work item exists even if this update fails: its children can still hang under it.
      state.adoIds.set(item.ardoqId, existing.id);
      outcome = await updateExisting(state, existing, item, parentId);
    } else {
      adoId = options.dryRun ? undefined : (await options.client.createWorkItem({ type: item.adoType, fields: fieldsForNew(item, state.fieldOptions), parentId, signal: options.signal })).id;
      outcome = 'created';
    }
    if (adoId !== undefined) state.adoIds.set(item.ardoqId, adoId);
  } catch (caught) {
    // Cancellation and lost credentials end the run; anything else fails this item only.
    if (options.signal?.aborted || caught instanceof AuthenticationError) throw caught;
    outcome = 'failed';
    adoId = undefined;
    error = errorMessage(caught);
  }
  await record(state, item, outcome, adoId, error, emit);
}

class ParentNotImportedError extends Error {
  override name = 'ParentNotImportedError';
}

/** The parent's work item id; a child of a failed parent fails rather than landing at the top. */
function resolveParent(state: RunState, item: PlannedItem): number | undefined {
  if (!item.parentArdoqId) return undefined;
  const parentId = state.adoIds.get(item.parentArdoqId);
  if (parentId === undefined && !state.options.dryRun) {
    const parent = state.plan.items.find((p) => p.ardoqId === item.parentArdoqId);
    throw new ParentNotImportedError(`Not imported: its parent "${parent?.name ?? item.parentArdoqId}" (${item.parentArdoqId}) failed.`);
  }
  return parentId;
}

async function updateExisting(state: RunState, existing: WorkItem, item: PlannedItem, parentId: number | undefined): Promise<ItemOutcome> {
  const { client, signal, dryRun } = state.options;
  const parentUrl = parentId === undefined ? undefined : `${client.org.baseUrl}/_apis/wit/workItems/${parentId}`;
  let current = existing;
  // One re-read after a concurrent edit (412), then the edit is applied on the fresh revision.
  for (let attempt = 0; ; attempt += 1) {
    const ops = updateOperations(current, item, parentUrl, state.fieldOptions);
    if (ops.length === 0) return 'unchanged';
    if (dryRun) return 'updated';
    try {
      await client.updateWorkItem(current.id, ops, { signal });
      return 'updated';
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt > 0) throw error;
      current = await client.getWorkItem(current.id, { expand: 'relations', signal });
    }
  }
}

async function record(state: RunState, item: PlannedItem, outcome: ItemOutcome, adoId: number | undefined, error: string | undefined, emit: BacklogProgressListener): Promise<void> {
  const { summary } = state;
  summary[outcome] += 1;
  summary.byKind[item.kind][outcome] += 1;
  state.done += 1;
  const url = adoId === undefined ? undefined : workItemWebUrl(state.options.client.org.baseUrl, state.options.client.project, adoId);
  const entry: ItemRecord = { ardoqId: item.ardoqId, itemName: item.name, itemType: item.kind, status: outcome, azureDevopsId: adoId, azureDevopsUrl: url, errorMessage: error };
  await state.history.recordItem(entry);
  emit({ type: `${item.kind}:${outcome}`, kind: item.kind, outcome, ardoqId: item.ardoqId, name: item.name, adoId, url, error, done: state.done, total: state.plan.items.length, dryRun: Boolean(state.options.dryRun) });
}

/** The work item's page in the web UI (what a user clicks in history). */
async function endRun(history: SafeHistory, summary: BacklogImportSummary, startedAt: Date, completedAt: Date, origin: RunOrigin, source: BacklogSource): Promise<void> {
  summary.durationMs = Math.max(0, completedAt.getTime() - startedAt.getTime());
  await history.finish(
    {
      status: summary.status,
      completedAt,
      durationMs: summary.durationMs,
      errorMessage: summary.error,
      details: {
        source: describeSource(source),
        source_key: summary.sourceKey,
        project_name: summary.project,
        overwrite_mode: summary.overwrite,
        total_items: summary.totalItems,
        items_created: summary.created,
        items_updated: summary.updated,
        items_unchanged: summary.unchanged,
        items_failed: summary.failed,
        deletion_count: summary.deletionCount,
        ...(summary.error ? { error: summary.error } : {}),
      },
    },
    origin,
  );
}

function failedRunStart(options: BacklogImportOptions, summary: BacklogImportSummary, startedAt: Date, origin: RunOrigin) {
  return {
    sourceType: options.source.kind === 'ardoq' ? ('ardoq' as const) : ('file' as const),
    sourceConfigId: summary.sourceKey || describeSource(options.source),
    targetType: 'azure_devops' as const,
    targetConfigId: `${options.client.org.baseUrl}/${options.client.project}`,
    projectName: options.client.project,
    overwriteMode: Boolean(options.overwrite),
    totalItems: summary.totalItems,
    startedAt,
    origin,
  };
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    // The service's own words when Azure DevOps rejected the item.
    const server = (error as { serverMessage?: unknown }).serverMessage;
    return typeof server === 'string' && server !== '' ? server : error.message;
  }
  return String(error);
}
