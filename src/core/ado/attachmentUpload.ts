// Attachment uploads, streamed from disk and hashed while sending: memory stays bounded by the
// read buffer and one chunk in flight, whatever the file size (DESIGN.md principle 3).
//
// Simple: one POST with the whole file (Content-Length from stat). Zero-byte files always go
// this way: chunked upload cannot carry them (ado-api.md §1.2).
//
// Chunked: POST uploadType=Chunked (empty octet-stream body) gives the upload id, then one PUT
// per range with `Content-Range: bytes a-b/total`. After every acknowledged chunk the caller's
// onSession receives the session record, to persist it. A retried chunk re-reads only its own
// range from disk, hashed into a copy of the running hash.
//
// Resuming: the record's `sha256` is the SHA-256 of the bytes already sent, [0, nextByte). On
// resume we re-hash that prefix from disk (reading, not sending) and compare it, with the size,
// to the record: a changed file fails with UploadSessionMismatchError instead of producing a
// blend of two versions. The same pass seeds the running hash, so the final sha256 still covers
// the whole file. If the server no longer knows the upload id (404 before any new chunk is
// acknowledged), the upload starts over with a new session. The service takes a re-sent range as
// a no-op (202) and goes on; but a chunk after the upload completed, or one that leaves a gap,
// answers a 5xx (ado-behaviour.md §1). So a chunk sent again after a lost answer that is then
// refused or answered a 5xx (not retried: it would fail the same way for the session's 24 hours),
// or a chunk that fails through all its retries, abandons the session for a new one
// (ChunkOutcomeUnknown). The first chunk of a resumed upload counts as such a re-send: the
// cancelled or crashed run may have delivered it whole without ever seeing the answer.
import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream';
import { type ByteRange, chunkRanges, formatContentRange, rangeLength } from './contentRange';
import { type AdoContext, projectPath, rememberUploadSize } from './context';
import { AdoError, ApiVersionError, BadRequestError, CancelledError, FileChangedError, NetworkError, NotFoundError, ServerError, UploadSessionMismatchError } from './errors';
import { type Attempt, readJson } from './httpTransport';
import { FILE_READ_CHUNK, HashingCounter, hashFileRange, newSha256 } from './streamingHash';
import type { AttachmentReference } from './types';

export interface UploadResult {
  id: string;
  url: string;
  /** SHA-256 (hex) of the bytes sent. */
  sha256: string;
  size: number;
}

export interface TransferProgress {
  transferred: number;
  total: number;
}

export interface SimpleUploadOptions {
  /** Defaults to the file's own name. */
  fileName?: string;
  signal?: AbortSignal;
  onProgress?: (progress: TransferProgress) => void;
}

/** What a resumable chunked upload needs to continue after a restart. */
export interface UploadSessionRecord {
  uploadId: string;
  url: string;
  fileName: string;
  chunkSize: number;
  /** First byte not yet acknowledged by the server. */
  nextByte: number;
  total: number;
  /** SHA-256 (hex) of bytes [0, nextByte) of the file. */
  sha256: string;
}

export interface ChunkedUploadOptions extends SimpleUploadOptions {
  chunkSize: number;
  /**
   * Continue this session. Only for the same file content: the prefix is checked, but a chunk the
   * server stored without answering is taken as stored, so a change inside that one chunk would go
   * unseen (the sync engine resumes only when the whole file's SHA-256 is unchanged).
   */
  resume?: UploadSessionRecord;
  /** Called with the session when it starts and after every acknowledged chunk. Awaited. */
  onSession?: (record: UploadSessionRecord) => Promise<void> | void;
}

const ATTACHMENTS = 'wit/attachments';

export async function uploadAttachment(context: AdoContext, filePath: string, options: SimpleUploadOptions = {}): Promise<UploadResult> {
  const { size } = await stat(filePath);
  const fileName = options.fileName ?? basename(filePath);
  let attemptHash: Hash = newSha256();
  const reference = await context.transport.send({
    method: 'POST',
    path: projectPath(context, ATTACHMENTS),
    query: { fileName, uploadType: 'Simple' },
    body: {
      kind: 'stream',
      length: size,
      open: (attempt) => {
        attemptHash = newSha256();
        return fileRangeStream(filePath, { start: 0, end: size - 1 }, attemptHash, attempt, (sent) => options.onProgress?.({ transferred: sent, total: size }));
      },
    },
    // Repeating it can at worst leave an unreferenced blob behind; nothing links to it.
    idempotency: 'idempotent',
    signal: options.signal,
    read: (response) => readJson<AttachmentReference>(response),
  });
  rememberUploadSize(context, reference.id.toLowerCase(), size);
  return { id: reference.id, url: reference.url, sha256: attemptHash.digest('hex'), size };
}

/**
 * The session cannot be trusted any more: a chunk sent more than once (or first after a resume)
 * was refused, or answered a 5xx, or one of the offset errors came back. The real service takes a
 * replayed range as a no-op, but answers 5xx to a gap and to any chunk after the upload completed
 * (ado-behaviour.md §1), so a lost answer to the last chunk leaves a session that only ever fails,
 * for the 24 hours it lives. Nor does a chunk that fails through all of its retries make the
 * session worth resuming. Only a new session is sure to be whole.
 */
class ChunkOutcomeUnknown extends Error {
  constructor(readonly refusal: AdoError) {
    super(refusal.message);
  }
}

/** typeKeys of chunk refusals that mean the session is not where we think it is. */
const SESSION_STATE_TYPE_KEYS = new Set(['FileAlreadyUploadedException', 'NotSupportedException', 'WorkItemAttachmentIncorrectOffsetException']);

export async function uploadAttachmentChunked(context: AdoContext, filePath: string, options: ChunkedUploadOptions): Promise<UploadResult> {
  if (!Number.isSafeInteger(options.chunkSize) || options.chunkSize <= 0) throw new RangeError(`invalid chunk size ${options.chunkSize}`);
  const { size } = await stat(filePath);
  if (size === 0) return uploadAttachment(context, filePath, options);
  const fileName = options.fileName ?? basename(filePath);
  // New sessions after a refused re-send come out of the same budget as retries of one request.
  const maxRestarts = context.transport.config.retry.options.maxRetries;
  for (let restarts = 0; ; restarts++) {
    try {
      return await uploadInSession(context, filePath, size, fileName, restarts === 0 ? options : { ...options, resume: undefined });
    } catch (error) {
      if (!(error instanceof ChunkOutcomeUnknown)) throw error;
      if (restarts >= maxRestarts) throw error.refusal;
      context.transport.log('warn', `The upload session of ${fileName} cannot be trusted (${error.refusal.serverMessage ?? error.refusal.status}); starting over with a new upload session.`);
    }
  }
}

async function uploadInSession(context: AdoContext, filePath: string, size: number, fileName: string, options: ChunkedUploadOptions): Promise<UploadResult> {
  if (options.resume) {
    const resumed = await resumeSession(filePath, size, options.resume, options.signal);
    try {
      return await sendChunks(context, filePath, resumed.record, resumed.hash, options, true);
    } catch (error) {
      if (!(error instanceof NotFoundError) || resumed.record.nextByte !== options.resume.nextByte) throw error;
      context.transport.log('warn', `The server no longer knows upload ${options.resume.uploadId}; starting ${fileName} over.`);
      return uploadInSession(context, filePath, size, fileName, { ...options, resume: undefined });
    }
  }
  const started = await startSession(context, fileName, options.signal);
  const record: UploadSessionRecord = { uploadId: started.id, url: started.url, fileName, chunkSize: options.chunkSize, nextByte: 0, total: size, sha256: newSha256().digest('hex') };
  await options.onSession?.(record);
  return sendChunks(context, filePath, record, newSha256(), options);
}

function startSession(context: AdoContext, fileName: string, signal?: AbortSignal): Promise<AttachmentReference> {
  return context.transport.json<AttachmentReference>({
    method: 'POST',
    path: projectPath(context, ATTACHMENTS),
    query: { fileName, uploadType: 'Chunked' },
    body: { kind: 'empty' },
    idempotency: 'idempotent',
    signal,
  });
}

async function resumeSession(filePath: string, size: number, record: UploadSessionRecord, signal?: AbortSignal) {
  if (record.total !== size) {
    throw new UploadSessionMismatchError(`${filePath} is ${size} bytes now but was ${record.total} when upload ${record.uploadId} started`);
  }
  if (!(record.nextByte >= 0 && record.nextByte <= size) || !(record.chunkSize > 0)) {
    throw new UploadSessionMismatchError(`upload record ${record.uploadId} is not valid for ${filePath}`);
  }
  const hash = newSha256();
  await hashFileRange(filePath, hash, 0, record.nextByte, signal);
  if (hash.copy().digest('hex') !== record.sha256) {
    throw new UploadSessionMismatchError(`${filePath} changed since upload ${record.uploadId} started (the first ${record.nextByte} bytes differ)`);
  }
  return { record, hash };
}

/** resumed: the first chunk may have reached the server before (the record is written after its answer). */
async function sendChunks(context: AdoContext, filePath: string, initial: UploadSessionRecord, initialHash: Hash, options: ChunkedUploadOptions, resumed = false): Promise<UploadResult> {
  let mayBeStored = resumed;
  let record = initial;
  let hash = initialHash;
  const total = record.total;
  let probing = false;
  for (const range of chunkRanges(total, record.chunkSize, record.nextByte)) {
    if (options.signal?.aborted) throw new CancelledError('Upload cancelled', { url: record.url });
    let attemptHash = hash;
    let tries = 0;
    // An earlier try of this chunk may have been stored: its request went out and the answer was lost.
    let maybeDelivered = mayBeStored;
    const refusedAsStored = await context.transport.send({
      method: 'PUT',
      path: projectPath(context, `${ATTACHMENTS}/${encodeURIComponent(record.uploadId)}`),
      query: { fileName: record.fileName, uploadType: 'Chunked' },
      headers: { 'Content-Range': formatContentRange(range, total) },
      body: {
        kind: 'stream',
        length: rangeLength(range),
        open: (attempt) => {
          tries += 1;
          attemptHash = hash.copy();
          return fileRangeStream(filePath, range, attemptHash, attempt, (sent) => options.onProgress?.({ transferred: range.start + sent, total }));
        },
      },
      idempotency: 'idempotent',
      signal: options.signal,
      mayRetry: (error) => {
        if (error instanceof NetworkError && error.requestSent) maybeDelivered = true;
        // After a possible delivery a 500 is the session's state (completed, or a gap: exceptions
        // the service does not map); 502/503/504 come from a busy front end and are retried.
        return !(maybeDelivered && error instanceof ServerError && error.status === 500);
      },
      read: (response) => readJson<AttachmentReference>(response),
    }).then(() => false, async (error: unknown) => {
      if (error instanceof ServerError || (error instanceof AdoError && SESSION_STATE_TYPE_KEYS.has(error.typeKey ?? ''))) throw new ChunkOutcomeUnknown(error);
      const refused = error instanceof BadRequestError && !(error instanceof ApiVersionError);
      // The first chunk after a resume, refused: most likely the server stored it just before the
      // process stopped (the record is written after the answer). Take it as stored and probe with
      // the next range; a refusal of that one too means the session is not what we think.
      if (refused && resumed && mayBeStored && !probing && tries === 1 && range.end + 1 < total) return true;
      if ((tries > 1 || mayBeStored) && refused) throw new ChunkOutcomeUnknown(error);
      throw error;
    });
    if (refusedAsStored) {
      attemptHash = hash.copy();
      await hashFileRange(filePath, attemptHash, range.start, range.end + 1, options.signal);
      context.transport.log('info', `Chunk ${range.start}-${range.end} of ${record.fileName} was refused after a resume; taking it as stored and continuing.`);
    }
    probing = refusedAsStored;
    mayBeStored = refusedAsStored;
    hash = attemptHash;
    record = { ...record, nextByte: range.end + 1, sha256: hash.copy().digest('hex') };
    await options.onSession?.(record);
  }
  rememberUploadSize(context, record.uploadId.toLowerCase(), total);
  return { id: record.uploadId, url: record.url, sha256: hash.digest('hex'), size: total };
}

/**
 * Bytes [range.start, range.end] of a file, hashed and counted on the way. Fails the attempt if
 * the file ends early (it shrank): the request would otherwise wait for bytes that never come.
 */
function fileRangeStream(filePath: string, range: ByteRange, hash: Hash, attempt: Attempt, onSent: (bytes: number) => void): HashingCounter {
  const expected = rangeLength(range);
  const counter = new FileRangeCounter(hash, expected, filePath, () => {
    attempt.touch();
    onSent(counter.bytes);
  });
  if (expected === 0) return counter.end() as FileRangeCounter;
  const source = createReadStream(filePath, { start: range.start, end: range.end, highWaterMark: FILE_READ_CHUNK });
  // Errors reach the transport through the counter (pipeline destroys it with them).
  pipeline(source, counter, () => {});
  return counter;
}

class FileRangeCounter extends HashingCounter {
  constructor(
    hash: Hash,
    private readonly expected: number,
    private readonly filePath: string,
    onBytes: () => void,
  ) {
    super(hash, onBytes);
  }

  override _flush(callback: (error?: Error | null) => void): void {
    if (this.bytes === this.expected) return callback();
    callback(new FileChangedError(`${this.filePath} changed while it was being uploaded (expected ${this.expected} bytes, read ${this.bytes})`));
  }
}
