// Work items: read one or many (workitemsbatch, 200 ids a call, a few calls at a time), create
// (optionally under a parent), update with JSON Patch, delete (one, or 200 a call), and list their updates.
import { mapWithConcurrency, splitIntoBatches } from './concurrency';
import { type AdoContext, projectPath } from './context';
import { ApiVersionError, NotFoundError } from './errors';
import type { Idempotency } from './retryPolicy';
import type { CollectionResponse, JsonPatchOperation, WorkItem, WorkItemDelete, WorkItemDeleteBatch, WorkItemExpand, WorkItemRelation, WorkItemUpdate } from './types';

/** The service rejects more ids per call (VS403474). */
export const MAX_BATCH_IDS = 200;
export const PARENT_RELATION = 'System.LinkTypes.Hierarchy-Reverse';

export interface ReadOptions {
  expand?: WorkItemExpand;
  fields?: string[];
  asOf?: string;
  signal?: AbortSignal;
}

export interface BatchReadOptions extends ReadOptions {
  /** 'omit': missing or unreadable ids come back as null instead of failing the call. */
  errorPolicy?: 'fail' | 'omit';
}

function checkExpandAndFields(options: ReadOptions): void {
  // The service answers 400 "The expand parameter can not be used with the fields parameter."
  if (options.expand && options.expand !== 'none' && options.fields?.length) {
    throw new TypeError('expand and fields cannot be combined: drop fields to get relations (all fields come with them).');
  }
}

export function getWorkItem(context: AdoContext, id: number, options: ReadOptions = {}): Promise<WorkItem> {
  checkExpandAndFields(options);
  return context.transport.json<WorkItem>({
    method: 'GET',
    path: projectPath(context, `wit/workitems/${id}`),
    query: { $expand: options.expand, fields: options.fields?.join(','), asOf: options.asOf },
    idempotency: 'idempotent',
    signal: options.signal,
  });
}

/** Work items in the order of `ids` (null where omitted), in batches of 200, 4 batches at a time. */
export async function getWorkItems(context: AdoContext, ids: readonly number[], options: BatchReadOptions = {}): Promise<(WorkItem | null)[]> {
  checkExpandAndFields(options);
  const batches = splitIntoBatches(ids, MAX_BATCH_IDS);
  const results = await mapWithConcurrency(batches, context.batchConcurrency, (batch) => readBatch(context, batch, options));
  return results.flat();
}

async function readBatch(context: AdoContext, ids: number[], options: BatchReadOptions): Promise<(WorkItem | null)[]> {
  const response = await context.transport.json<CollectionResponse<WorkItem | null>>({
    method: 'POST',
    path: projectPath(context, 'wit/workitemsbatch'),
    body: {
      kind: 'json',
      value: { ids, $expand: options.expand, fields: options.fields, asOf: options.asOf, errorPolicy: options.errorPolicy },
    },
    // A read, even though it is a POST.
    idempotency: 'idempotent',
    signal: options.signal,
  });
  // Match by id: the order of the answer is not documented.
  const byId = new Map<number, WorkItem>();
  for (const item of response?.value ?? []) if (item) byId.set(item.id, item);
  return ids.map((id) => byId.get(id) ?? null);
}

export interface CreateWorkItemInput {
  type: string;
  fields: Record<string, unknown>;
  /** Id of the parent work item: adds a Hierarchy-Reverse link to it. */
  parentId?: number;
  relations?: WorkItemRelation[];
  signal?: AbortSignal;
}

export function createWorkItem(context: AdoContext, input: CreateWorkItemInput): Promise<WorkItem> {
  const ops: JsonPatchOperation[] = Object.entries(input.fields).map(([field, value]) => ({ op: 'add', path: `/fields/${field}`, value }));
  if (input.parentId !== undefined) {
    const parentUrl = `${context.transport.org.baseUrl}/_apis/wit/workItems/${input.parentId}`;
    ops.push({ op: 'add', path: '/relations/-', value: { rel: PARENT_RELATION, url: parentUrl } });
  }
  for (const relation of input.relations ?? []) ops.push({ op: 'add', path: '/relations/-', value: relation });
  return context.transport.json<WorkItem>({
    method: 'POST',
    path: projectPath(context, `wit/workitems/$${encodeURIComponent(input.type)}`),
    body: { kind: 'json', value: ops, contentType: 'application/json-patch+json' },
    // Sending it twice would create two work items.
    idempotency: 'unsafe',
    signal: input.signal,
  });
}

export interface UpdateOptions {
  /** Adds `test /rev`: the update fails with ConflictError (412) if the item changed since. */
  expectedRev?: number;
  expand?: WorkItemExpand;
  suppressNotifications?: boolean;
  bypassRules?: boolean;
  signal?: AbortSignal;
}

export function updateWorkItem(context: AdoContext, id: number, operations: JsonPatchOperation[], options: UpdateOptions = {}): Promise<WorkItem> {
  const ops: JsonPatchOperation[] = options.expectedRev === undefined ? operations : [{ op: 'test', path: '/rev', value: options.expectedRev }, ...operations];
  // With `test /rev`, a repeat of an update that did apply fails the test instead of applying twice.
  const idempotency: Idempotency = ops.some((op) => op.op === 'test' && op.path === '/rev') ? 'idempotent' : 'unsafe';
  return context.transport.json<WorkItem>({
    method: 'PATCH',
    path: projectPath(context, `wit/workitems/${id}`),
    query: { $expand: options.expand, suppressNotifications: options.suppressNotifications, bypassRules: options.bypassRules },
    body: { kind: 'json', value: ops, contentType: 'application/json-patch+json' },
    idempotency,
    signal: options.signal,
  });
}

/** To the recycle bin, or for good with destroy. */
export function deleteWorkItem(context: AdoContext, id: number, options: { destroy?: boolean; signal?: AbortSignal } = {}): Promise<WorkItemDelete | undefined> {
  return context.transport.json<WorkItemDelete | undefined>({
    method: 'DELETE',
    path: projectPath(context, `wit/workitems/${id}`),
    query: { destroy: options.destroy },
    idempotency: 'idempotent',
    signal: options.signal,
  });
}

/**
 * POST {project}/_apis/wit/workitemsdelete: up to 200 work items in one call, each with its own
 * outcome. The route exists from api-version 7.1 only: 'unsupported' when the server is older
 * (negotiated below 7.1, or it does not know the route), so the caller deletes one by one.
 * Not retried after it may have reached the server: a repeat would report the deleted items as missing.
 */
export async function deleteWorkItemsBatch(context: AdoContext, ids: readonly number[], options: { destroy?: boolean; signal?: AbortSignal } = {}): Promise<WorkItemDeleteBatch | 'unsupported'> {
  if (ids.length > MAX_BATCH_IDS) throw new RangeError(`At most ${MAX_BATCH_IDS} work items per batch delete; got ${ids.length}.`);
  const negotiated = context.transport.apiVersion;
  if (negotiated !== undefined && negotiated !== '7.1') return 'unsupported';
  try {
    const answer = await context.transport.json<WorkItemDeleteBatch | undefined>({
      method: 'POST',
      path: projectPath(context, 'wit/workitemsdelete'),
      pinnedVersion: '7.1',
      body: { kind: 'json', value: { ids, destroy: options.destroy ?? false, skipNotifications: true } },
      idempotency: 'unsafe',
      signal: options.signal,
    });
    return answer ?? {};
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof ApiVersionError) return 'unsupported';
    throw error;
  }
}

/** Every update of a work item, paging with $top/$skip. */
export async function getWorkItemUpdates(context: AdoContext, id: number, options: { pageSize?: number; signal?: AbortSignal } = {}): Promise<WorkItemUpdate[]> {
  const pageSize = options.pageSize ?? 200;
  const updates: WorkItemUpdate[] = [];
  for (let skip = 0; ; skip += pageSize) {
    const page = await context.transport.json<CollectionResponse<WorkItemUpdate>>({
      method: 'GET',
      path: projectPath(context, `wit/workItems/${id}/updates`),
      query: { $top: pageSize, $skip: skip },
      idempotency: 'idempotent',
      signal: options.signal,
    });
    const value = page?.value ?? [];
    updates.push(...value);
    if (value.length < pageSize) return updates;
  }
}
