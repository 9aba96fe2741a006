// Deletes work items in chunks through POST {project}/_apis/wit/workitemsdelete (api 7.1,
// ado-api.md §2.6), 200 ids a call. The shared ADO client has no batch delete yet, so this is a
// small call over the same AuthStrategy; servers without the route (before 7.1) fall back to
// one DELETE per work item through the client.
import fetch from 'node-fetch';
import type { AdoClient, AuthStrategy } from '../ado';

export const DELETE_CHUNK = 200;

export interface BatchDeleteResult {
  deleted: number[];
  failed: { id: number; message: string }[];
}

export class BatchDeleteError extends Error {
  override name = 'BatchDeleteError';
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

interface DeleteBatchAnswer {
  results?: { id?: number; code?: number; message?: string }[];
}

export interface BatchDeleteOptions {
  destroy?: boolean;
  /** Ids per call, at most DELETE_CHUNK. */
  chunkSize?: number;
  signal?: AbortSignal;
  /** After each chunk: deletion_count is updated per chunk (seed 002 §2.7). */
  onChunk?: (result: BatchDeleteResult) => void;
}

export async function deleteWorkItemsInChunks(client: AdoClient, auth: AuthStrategy, ids: readonly number[], options: BatchDeleteOptions = {}): Promise<BatchDeleteResult> {
  const total: BatchDeleteResult = { deleted: [], failed: [] };
  let batchSupported = client.apiVersion === undefined || client.apiVersion === '7.1';
  const size = Math.min(DELETE_CHUNK, Math.max(1, options.chunkSize ?? DELETE_CHUNK));
  for (let start = 0; start < ids.length; start += size) {
    options.signal?.throwIfAborted();
    const chunk = ids.slice(start, start + size);
    let result: BatchDeleteResult | undefined;
    if (batchSupported) {
      result = await postDeleteBatch(client, auth, chunk, options);
      if (!result) batchSupported = false;
    }
    result ??= await deleteOneByOne(client, chunk, options);
    total.deleted.push(...result.deleted);
    total.failed.push(...result.failed);
    options.onChunk?.(result);
  }
  return total;
}

/** undefined when the server does not know the route (404/400 on the api-version). */
async function postDeleteBatch(client: AdoClient, auth: AuthStrategy, ids: number[], options: BatchDeleteOptions): Promise<BatchDeleteResult | undefined> {
  const url = `${client.org.baseUrl}/${encodeURIComponent(client.project)}/_apis/wit/workitemsdelete?api-version=7.1`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { Authorization: await auth.header(), 'Content-Type': 'application/json', Accept: 'application/json', 'X-TFS-FedAuthRedirect': 'Suppress' },
    body: JSON.stringify({ ids, destroy: options.destroy ?? false, skipNotifications: true }),
    signal: options.signal,
  });
  const text = await response.text();
  if (response.status === 404 || (response.status === 400 && /api-version|out of range/i.test(text))) return undefined;
  if (response.status !== 200 && response.status !== 204) throw new BatchDeleteError(`Batch delete answered ${response.status}: ${serverMessage(text)}`, response.status);
  const answer: DeleteBatchAnswer = text.trim() ? (JSON.parse(text) as DeleteBatchAnswer) : {};
  // 204 (the spec's example) carries no per-id results: all were deleted.
  if (!answer.results) return { deleted: [...ids], failed: [] };
  const result: BatchDeleteResult = { deleted: [], failed: [] };
  for (const entry of answer.results) {
    if (typeof entry.id !== 'number') continue;
    if (entry.code === undefined || (entry.code >= 200 && entry.code < 300)) result.deleted.push(entry.id);
    else result.failed.push({ id: entry.id, message: entry.message ?? `code ${entry.code}` });
  }
  return result;
}

async function deleteOneByOne(client: AdoClient, ids: number[], options: BatchDeleteOptions): Promise<BatchDeleteResult> {
  const result: BatchDeleteResult = { deleted: [], failed: [] };
  for (const id of ids) {
    try {
      await client.deleteWorkItem(id, { destroy: options.destroy, signal: options.signal });
      result.deleted.push(id);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      result.failed.push({ id, message: (error as Error).message });
    }
  }
  return result;
}

function serverMessage(text: string): string {
  try {
    const json = JSON.parse(text) as { message?: unknown };
    if (typeof json.message === 'string') return json.message;
  } catch {
    // plain text
  }
  return text.trim().slice(0, 300) || 'no message';
}
