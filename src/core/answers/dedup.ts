// The seed's GET /api/sync/deduplication/:sha256 answer (and `ado-sync dedup --json`): is this
// content already in Azure DevOps?
import type { SyncDbRepositories } from '../store/syncDb';

export interface DedupAnswer {
  isDuplicate: boolean;
  sha256: string;
  file?: string;
  attachment: { work_item_id: number; attachment_guid: string; attachment_url: string | null; file_name: string | null; file_size: number } | null;
  /** Work items with a record of this content in ADO. */
  workItems: number[];
}

/** The deduplication index first (the attachment the engine would link); records as a fallback. */
async function lookUp(store: SyncDbRepositories, sha256: string): Promise<Omit<DedupAnswer, 'sha256' | 'file'>> {
  const records = (await store.attachments.bySha256(sha256)).filter((r) => r.attachmentGuid !== null);
  const workItems = [...new Set(records.map((r) => r.workItemId))];
  const indexed = (await store.dedup.findAll(sha256))[0];
  if (indexed) {
    const record = records.find((r) => r.attachmentGuid === indexed.attachmentGuid) ?? records[0];
    return { isDuplicate: true, workItems, attachment: { work_item_id: indexed.firstWorkItemId, attachment_guid: indexed.attachmentGuid, attachment_url: indexed.attachmentUrl, file_name: record?.fileName ?? null, file_size: indexed.fileSize } };
  }
  const first = records[0];
  if (!first?.attachmentGuid) return { isDuplicate: false, workItems, attachment: null };
  return { isDuplicate: true, workItems, attachment: { work_item_id: first.workItemId, attachment_guid: first.attachmentGuid, attachment_url: first.attachmentUrl, file_name: first.fileName, file_size: first.fileSize } };
}

/** The answer for a digest (lower-case hex); file: the name the user gave, when a file was hashed. */
export async function dedupAnswer(store: SyncDbRepositories, sha256: string, file?: string): Promise<DedupAnswer> {
  return { sha256, ...(file ? { file } : {}), ...(await lookUp(store, sha256)) };
}
