// Outbound: one local file to one work item. Identity is content (DESIGN.md principle 2):
//   same SHA-256 already linked to the item        -> duplicate, nothing sent
//   uploaded before (de-duplication index)         -> link the existing attachment URL, no upload
//   else preflight (size, 100 per item), upload (simple, or chunked and resumable across restarts
//   through chunked_upload_sessions), then link with "<comment> [sha256:<hex>]".
// The marker makes every step re-discoverable after a crash or with the database lost (principle 1).
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError, FileChangedError, sha256OfFile, type AdoClient, type UploadResult, type UploadSessionRecord, type WorkItem } from '../ado';
import type { SyncSettings } from '../settings';
import type { AttachmentRow, SyncStore } from '../store';
import { formatBytes } from '../../shared/format';
import { commentWithMarker } from './contentMarker';
import type { ItemOutcome } from './engineApi';
import { PreflightError } from './itemError';
import { attachmentCount, remoteAttachmentsOf } from './remoteAttachments';

/** ADO refuses the 101st attachment of a work item (VS403313). */
export const MAX_ATTACHMENTS_PER_WORK_ITEM = 100;

export interface OutboundContext {
  client: AdoClient;
  store: SyncStore;
  settings: SyncSettings;
  signal?: AbortSignal;
  onProgress?: (bytes: number, total: number) => void;
  /** Runs the link PATCH of one work item at a time: concurrent PATCHes of one item only meet 412s. */
  serialize?: <T>(workItemId: number, task: () => Promise<T>) => Promise<T>;
}

export interface OutboundFile {
  path: string;
  /** Name shown in ADO; the file's own name by default. */
  fileName?: string;
  /** Known already (mirror scan): saves a second read. */
  sha256?: string;
  size?: number;
}

export interface OutboundOptions {
  comment?: string;
  /** false: upload only. */
  link: boolean;
}

/** Hashes (streaming) unless the caller knows the content already; a missing file is a clear preflight error. */
export async function identify(file: OutboundFile, signal?: AbortSignal): Promise<{ sha256: string; size: number }> {
  const info = await stat(file.path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new PreflightError(`File not found: ${file.path}`, 'FileNotFound');
    throw e;
  });
  if (!info.isFile()) throw new PreflightError(`Not a file: ${file.path}`, 'NotAFile');
  if (file.sha256 && file.size === info.size) return { sha256: file.sha256, size: info.size };
  return sha256OfFile(file.path, signal);
}

export async function attachFile(ctx: OutboundContext, workItemId: number, file: OutboundFile, options: OutboundOptions): Promise<ItemOutcome> {
  const fileName = file.fileName ?? path.basename(file.path);
  const { sha256, size } = await identify(file, ctx.signal);
  const base = { workItemId, fileName, direction: 'outbound' as const, localPath: file.path, sha256, size };
  checkSize(fileName, size, ctx.settings.maxFileSize);

  const item = await ctx.client.getWorkItem(workItemId, { expand: 'relations', signal: ctx.signal });
  const linked = remoteAttachmentsOf(item).find((r) => r.sha256 === sha256 || knownContent(ctx.store, workItemId, r.attachmentId) === sha256);
  const record = recordFor(ctx.store, workItemId, fileName, file.path, sha256, size, options.comment);
  if (linked) {
    ctx.store.attachments.markSynced(record.id, { attachmentGuid: linked.attachmentId, attachmentUrl: linked.url, sha256 });
    return { ...base, status: 'duplicate', attachmentId: linked.attachmentId, attachmentUrl: linked.url };
  }
  if (options.link) checkCount(item);

  try {
    const known = ctx.store.dedup.find(sha256);
    const uploaded: Pick<UploadResult, 'id' | 'url'> & Partial<Pick<UploadResult, 'sha256'>> = known
      ? { id: known.attachmentGuid, url: known.attachmentUrl }
      : await upload(ctx, workItemId, file.path, fileName, sha256, size);
    // The bytes sent are what was hashed before (the file did not change in between), or nothing is linked.
    if ('sha256' in uploaded && uploaded.sha256 !== sha256) throw new FileChangedError(`${file.path} changed while it was being uploaded; it will go up again on the next sync.`);
    if (!known) ctx.store.dedup.remember({ sha256Hash: sha256, attachmentGuid: uploaded.id, attachmentUrl: uploaded.url, fileSize: size, firstWorkItemId: workItemId });
    if (options.link) {
      const link = () => ctx.client.linkAttachment(workItemId, uploaded.url, { comment: commentWithMarker(options.comment, sha256), name: fileName, signal: ctx.signal });
      await (ctx.serialize ? ctx.serialize(workItemId, link) : link());
    }
    ctx.store.attachments.markSynced(record.id, { attachmentGuid: uploaded.id, attachmentUrl: uploaded.url, sha256 });
    // Uploaded for this item by an earlier try whose link failed: still this item's upload.
    const reused = known !== undefined && known.firstWorkItemId !== workItemId;
    return { ...base, status: reused ? (options.link ? 'linked' : 'duplicate') : 'uploaded', attachmentId: uploaded.id, attachmentUrl: uploaded.url };
  } catch (error) {
    // A cancelled upload is not a failure: its record goes (the chunked session stays for a resume).
    if (error instanceof CancelledError || ctx.signal?.aborted) ctx.store.attachments.softDelete(record.id);
    else ctx.store.attachments.setStatus(record.id, 'FAILED', error instanceof Error ? error.message : String(error));
    throw error;
  }
}

function checkSize(fileName: string, size: number, max: number): void {
  if (size > max) {
    throw new PreflightError(
      `${fileName} is ${formatBytes(size)}, over the ${formatBytes(max)} limit; raise adoSync.maxFileSize (ATTACHMENT_MAX_FILE_SIZE) if the server accepts it.`,
      'FileTooLarge');
  }
}

function checkCount(item: WorkItem): void {
  if (attachmentCount(item) >= MAX_ATTACHMENTS_PER_WORK_ITEM) {
    throw new PreflightError(
      `Work item ${item.id} already has ${MAX_ATTACHMENTS_PER_WORK_ITEM} attachments, the most Azure DevOps allows; remove one first.`,
      'VS403313');
  }
}

/** The content we recorded for an attachment of this work item (for relations without a marker). */
function knownContent(store: SyncStore, workItemId: number, attachmentId: string): string | null | undefined {
  return store.attachments.forWorkItemAndGuid(workItemId, attachmentId)?.sha256;
}

/** The record of this content on this work item, reused on a retry, else a new PENDING one. */
function recordFor(store: SyncStore, workItemId: number, fileName: string, localPath: string, sha256: string, size: number, comment?: string): AttachmentRow {
  const existing = store.attachments.forWorkItemAndSha(workItemId, sha256);
  if (existing && existing.deletedAt === null) {
    store.attachments.setStatus(existing.id, 'UPLOADING');
    return existing;
  }
  return store.attachments.insert({ workItemId, fileName, fileSize: size, source: 'TOOL', localPath, sha256, syncStatus: 'UPLOADING', comment: comment ?? null });
}

function upload(ctx: OutboundContext, workItemId: number, filePath: string, fileName: string, sha256: string, size: number): Promise<UploadResult> {
  const onProgress = ctx.onProgress ? (p: { transferred: number; total: number }) => ctx.onProgress?.(p.transferred, p.total) : undefined;
  const chunkSize = ctx.settings.chunkSize;
  if (size === 0 || size < chunkSize) return ctx.client.uploadAttachment(filePath, { fileName, signal: ctx.signal, onProgress });
  return uploadChunked(ctx, workItemId, filePath, fileName, sha256, chunkSize, onProgress);
}

/**
 * Chunked and resumable: the session is written to chunked_upload_sessions and flushed after every
 * acknowledged chunk, so a process killed mid-file resumes from the next byte (within 24 h).
 */
async function uploadChunked(ctx: OutboundContext, workItemId: number, filePath: string, fileName: string, sha256: string,
  chunkSize: number, onProgress?: (p: { transferred: number; total: number }) => void): Promise<UploadResult> {
  const sessions = ctx.store.uploadSessions;
  sessions.expireStale();
  const absolute = path.resolve(filePath);
  const previous = sessions.findResumable(workItemId, absolute, sha256);
  const resume: UploadSessionRecord | undefined = previous?.adoUploadId && previous.adoUploadUrl && previous.sentSha256 && previous.chunkSize === chunkSize
    ? { uploadId: previous.adoUploadId, url: previous.adoUploadUrl, fileName, chunkSize, nextByte: previous.nextByte, total: previous.totalSize, sha256: previous.sentSha256 }
    : undefined;
  let sessionUuid = resume ? previous?.sessionUuid : undefined;
  const onSession = (r: UploadSessionRecord): void => {
    if (!sessionUuid || (previous && r.uploadId !== previous.adoUploadId && sessionUuid === previous.sessionUuid)) {
      if (sessionUuid) sessions.setStatus(sessionUuid, 'FAILED');
      sessionUuid = randomUUID();
      sessions.create({ sessionUuid, workItemId, filePath: absolute, fileName, totalSize: r.total, chunkSize, sha256, adoUploadId: r.uploadId, adoUploadUrl: r.url });
    }
    if (r.nextByte > 0) sessions.recordChunk(sessionUuid, r.nextByte, r.sha256);
    // Resuming needs the acknowledged position on disk, not only in memory.
    ctx.store.flush();
  };
  const result = await ctx.client.uploadAttachmentChunked(filePath, { fileName, chunkSize, resume, onSession, signal: ctx.signal, onProgress });
  if (sessionUuid) sessions.setStatus(sessionUuid, 'COMPLETED');
  return result;
}
