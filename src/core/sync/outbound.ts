// Outbound: the bytes of one local file into an ADO attachment (linking is the caller's, batched
// per work item). Identity is content (DESIGN.md principle 2): content already uploaded to this
// collection is reused by URL, not sent again. Uploads are simple, or chunked and resumable across
// restarts through the upload journal (one small file per session, rewritten per chunk).
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { FileChangedError, sha256OfFile, type AdoClient, type UploadResult, type UploadSessionRecord } from '../ado';
import type { SyncSettings } from '../settings';
import { UPLOAD_SESSION_TTL_MS } from '../store';
import type { SyncDbRepositories } from '../store/syncDb';
import { formatBytes } from '../../shared/format';
import { PreflightError } from './itemError';
import type { JournalEntry, UploadJournal } from './uploadJournal';

/** A session whose tries failed this many times in a row starts over instead of resuming. */
const MAX_SESSION_FAILURES = 3;

export interface UploadContext {
  client: AdoClient;
  /** Read only here: the de-duplication index. */
  store: SyncDbRepositories;
  settings: SyncSettings;
  journal: UploadJournal;
  /** Key of the de-duplication index: attachment URLs are valid in their own collection only. */
  collectionUrl: string;
  now: () => Date;
  signal?: AbortSignal;
  onProgress?: (bytes: number, total: number) => void;
}

export interface LocalContent {
  path: string;
  /** Name shown in ADO. */
  fileName: string;
  sha256: string;
  size: number;
}

export interface Uploaded {
  attachmentId: string;
  url: string;
  /** Content already in this collection: linked by URL, no byte sent. */
  reused: boolean;
  /** The completed chunked session, folded into the store at commit. */
  session?: JournalEntry;
}

/** Hashes (streaming) and checks a file before anything is sent: missing, not a file, too large. */
export async function identify(filePath: string, maxFileSize: number, signal?: AbortSignal): Promise<{ sha256: string; size: number }> {
  const info = await stat(filePath).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new PreflightError(`File not found: ${filePath}`, 'FileNotFound');
    throw e;
  });
  if (!info.isFile()) throw new PreflightError(`Not a file: ${filePath}`, 'NotAFile');
  checkSize(path.basename(filePath), info.size, maxFileSize);
  return sha256OfFile(filePath, signal);
}

export function checkSize(fileName: string, size: number, max: number): void {
  if (size > max) {
    throw new PreflightError(
      `${fileName} is ${formatBytes(size)}, over the ${formatBytes(max)} limit; raise adoSync.maxFileSize (ATTACHMENT_MAX_FILE_SIZE) if the server accepts it.`,
      'FileTooLarge');
  }
}

export async function uploadContent(ctx: UploadContext, workItemId: number, file: LocalContent): Promise<Uploaded> {
  checkSize(file.fileName, file.size, ctx.settings.maxFileSize);
  const known = await ctx.store.dedup.find(ctx.collectionUrl, file.sha256);
  if (known) return { attachmentId: known.attachmentGuid, url: known.attachmentUrl, reused: true };
  const onProgress = ctx.onProgress ? (p: { transferred: number; total: number }) => ctx.onProgress?.(p.transferred, p.total) : undefined;
  if (file.size === 0 || file.size < ctx.settings.chunkSize) {
    const result = await ctx.client.uploadAttachment(file.path, { fileName: file.fileName, signal: ctx.signal, onProgress });
    checkSent(file, result);
    return { attachmentId: result.id, url: result.url, reused: false };
  }
  return uploadChunked(ctx, workItemId, file, onProgress);
}

/** The bytes sent are what was hashed before (the file did not change in between), or nothing is linked. */
function checkSent(file: LocalContent, result: UploadResult): void {
  if (result.sha256 !== file.sha256) throw new FileChangedError(`${file.path} changed while it was being uploaded; it will go up again on the next sync.`);
}

async function uploadChunked(ctx: UploadContext, workItemId: number, file: LocalContent, onProgress?: (p: { transferred: number; total: number }) => void): Promise<Uploaded> {
  const chunkSize = ctx.settings.chunkSize;
  const absolute = path.resolve(file.path);
  ctx.journal.expire(ctx.now(), UPLOAD_SESSION_TTL_MS);
  const previous = ctx.journal.find(workItemId, absolute, file.sha256, chunkSize);
  const usable = previous && previous.failures < MAX_SESSION_FAILURES ? previous : undefined;
  if (previous && !usable) ctx.journal.remove(previous.sessionUuid);
  const resume: UploadSessionRecord | undefined = usable
    ? { uploadId: usable.uploadId, url: usable.uploadUrl, fileName: file.fileName, chunkSize, nextByte: usable.nextByte, total: usable.totalSize, sha256: usable.sentSha256 }
    : undefined;
  let entry = usable;
  const onSession = (r: UploadSessionRecord): void => {
    // A new upload id (first start, or the server forgot the old one): a new session.
    if (!entry || entry.uploadId !== r.uploadId) {
      if (entry) ctx.journal.remove(entry.sessionUuid);
      entry = { sessionUuid: randomUUID(), workItemId, filePath: absolute, fileName: file.fileName, sha256: file.sha256, totalSize: r.total,
        chunkSize, uploadId: r.uploadId, uploadUrl: r.url, nextByte: 0, sentSha256: r.sha256, failures: 0, updatedAt: ctx.now().toISOString() };
    }
    entry = { ...entry, nextByte: r.nextByte, sentSha256: r.sha256, updatedAt: ctx.now().toISOString() };
    ctx.journal.write(entry);
  };
  try {
    const result = await ctx.client.uploadAttachmentChunked(file.path, { fileName: file.fileName, chunkSize, resume, onSession, signal: ctx.signal, onProgress });
    checkSent(file, result);
    const done = entry as typeof entry | undefined;
    if (done) ctx.journal.remove(done.sessionUuid);
    return { attachmentId: result.id, url: result.url, reused: false, session: done };
  } catch (error) {
    const failed = entry as typeof entry | undefined;
    if (failed && !ctx.signal?.aborted) ctx.journal.write({ ...failed, failures: failed.failures + 1, updatedAt: ctx.now().toISOString() });
    throw error;
  }
}
