// Deletes work items in chunks of up to 200 through the client's batch delete (api 7.1, one call a
// chunk); servers without that route fall back to one DELETE per work item. Both go through the
// session's AdoClient, so its credentials (PAT or Microsoft sign-in), retries, rate limit, timeouts
// and redaction apply.
import type { AdoClient } from '../ado';
import { MAX_BATCH_IDS } from '../ado/workItems';

export const DELETE_CHUNK = MAX_BATCH_IDS;

export interface BatchDeleteResult {
  deleted: number[];
  failed: { id: number; message: string }[];
}

export interface BatchDeleteOptions {
  destroy?: boolean;
  /** Ids per call, at most DELETE_CHUNK. */
  chunkSize?: number;
  signal?: AbortSignal;
  /** After each chunk: deletion_count is updated per chunk (seed 002 §2.7). */
  onChunk?: (result: BatchDeleteResult) => void;
}

type DeleteClient = Pick<AdoClient, 'deleteWorkItemsBatch' | 'deleteWorkItem'>;

export async function deleteWorkItemsInChunks(client: DeleteClient, ids: readonly number[], options: BatchDeleteOptions = {}): Promise<BatchDeleteResult> {
  const total: BatchDeleteResult = { deleted: [], failed: [] };
  let batchSupported = true;
  const size = Math.min(DELETE_CHUNK, Math.max(1, options.chunkSize ?? DELETE_CHUNK));
  for (let start = 0; start < ids.length; start += size) {
    options.signal?.throwIfAborted();
    const chunk = ids.slice(start, start + size);
    let result: BatchDeleteResult | undefined;
    if (batchSupported) {
      result = await deleteBatch(client, chunk, options);
      if (!result) batchSupported = false;
    }
    result ??= await deleteOneByOne(client, chunk, options);
    total.deleted.push(...result.deleted);
    total.failed.push(...result.failed);
    options.onChunk?.(result);
  }
  return total;
}

/** undefined when the server has no batch delete. */
async function deleteBatch(client: DeleteClient, ids: number[], options: BatchDeleteOptions): Promise<BatchDeleteResult | undefined> {
  const answer = await client.deleteWorkItemsBatch(ids, { destroy: options.destroy, signal: options.signal });
  if (answer === 'unsupported') return undefined;
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

async function deleteOneByOne(client: DeleteClient, ids: number[], options: BatchDeleteOptions): Promise<BatchDeleteResult> {
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
