// Attachment blobs: streamed to files in dataDir and hashed (SHA-256) as they arrive, never
// held in memory. Simple uploads, chunked uploads (Content-Range, sequential) and downloads.
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Attachment, EmulatorState, Stats } from './state';
import { AdoError, adoDate, baseHeaders, type BodyFault } from './wire';

export function tooLarge(max: number): AdoError {
  const mb = (max / (1024 * 1024)).toFixed(3);
  return new AdoError(
    400,
    `TF237082: The file you are trying to upload exceeds the supported file upload size (${mb} MB(s)). Instead of uploading the file, add the file to version control or to the team project web site, and then link the file to the work item.`,
    'WorkItemAttachmentExceedsMaxSizeException',
  );
}

function badRange(message: string): AdoError {
  return new AdoError(400, message, 'InvalidArgumentValueException');
}

/** Counts and hashes bytes in flight; fails once more than `limit` bytes arrive. */
class Meter extends Transform {
  bytes = 0;
  constructor(
    readonly hash: Hash,
    readonly limit: number,
    readonly onLimit: () => Error,
    /** Destroy the request after this many bytes (reset-mid-body fault). */
    readonly resetAfter?: number,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return done(this.onLimit());
    if (this.resetAfter !== undefined && this.bytes >= this.resetAfter) return done(new Error('reset-mid-body fault'));
    this.hash.update(chunk);
    done(null, chunk);
  }
}

export interface UploadFault {
  resetMidBody: boolean;
}

function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

function destroyRequest(req: IncomingMessage): void {
  req.socket.destroy();
}

/** Simple upload (or the empty start of a chunked one). */
export async function uploadSimple(state: EmulatorState, dataDir: string, req: IncomingMessage, fileName: string, chunked: boolean, maxSize: number, fault: UploadFault): Promise<Attachment> {
  const id = randomUUID();
  const file = path.join(dataDir, id);
  const length = declaredLength(req);
  if (length !== undefined && length > maxSize) throw tooLarge(maxSize);
  const hash = createHash('sha256');
  const meter = new Meter(hash, chunked ? 0 : maxSize, () => tooLarge(maxSize), fault.resetMidBody ? Math.max(1, Math.floor((length ?? 2) / 2)) : undefined);
  const partial = `${file}.part`;
  try {
    await pipeline(req, meter, createWriteStream(partial));
  } catch (error) {
    state.stats.uploads.simpleBodyBytes += meter.bytes;
    await fs.rm(partial, { force: true });
    if (fault.resetMidBody) destroyRequest(req);
    if (chunked && error instanceof AdoError) throw badRange('A chunked upload is started with an empty body; send the content with PUT and Content-Range.');
    throw error;
  }
  state.stats.uploads.simpleBodyBytes += meter.bytes;
  if (chunked) state.stats.uploads.chunkedStarts += 1;
  await fs.rename(partial, file);
  const attachment: Attachment = {
    id,
    fileName,
    size: meter.bytes,
    sha256: chunked ? undefined : hash.digest('hex'),
    path: file,
    complete: !chunked,
    createdDate: adoDate(),
    chunked,
  };
  if (chunked) hashes.set(id, hash);
  state.attachments.set(id, attachment);
  return attachment;
}

// Running hashes of chunked uploads in progress (a Hash is copied per chunk and committed on success).
const hashes = new Map<string, Hash>();

export interface ContentRange {
  first: number;
  last: number;
  total: number;
}

export function parseContentRange(header: string | undefined): ContentRange {
  const match = header ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header.trim()) : null;
  if (!match) throw plainError('Content-Range specified in the attachment upload request is not valid.');
  const [first, last, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (last < first || last >= total) throw plainError('Content-Range specified in the attachment upload request is not valid.');
  return { first, last, total };
}

/** How the service answers what FileService.UploadFile64 throws unmapped (gaps, chunks after completion). */
export interface ChunkRules {
  /** 500 (the exception is not in the work-item exception map, ado-behaviour.md §1) or 400. */
  scatterStatus: 400 | 500;
}

/** 400 with the body of ASP.NET's CreateErrorResponse: {"Message": ...}, no typeKey. */
function plainError(message: string): AdoError {
  return new AdoError(400, message, '', {}, 'httpError');
}

function incorrectLength(): AdoError {
  return plainError("Content-Range values don't match the length of the file content. ");
}

function scatter(rules: ChunkRules, message: string, typeKey: string): AdoError {
  return new AdoError(rules.scatterStatus, message, typeKey);
}

/** Reads a chunk's body without storing it (the service reads the whole request before acting). */
async function discardBody(stats: Stats, req: IncomingMessage, expected: number): Promise<void> {
  const meter = new Meter(createHash('sha256'), expected, incorrectLength);
  await pipeline(req, meter, new Writable({ write: (_chunk, _encoding, done) => done() })).finally(() => (stats.uploads.chunkBodyBytes += meter.bytes));
  if (meter.bytes !== expected) throw incorrectLength();
}

export type ChunkOutcome = 'stored' | 'complete' | 'replayed';

/**
 * One chunk of a chunked upload, as TeamFoundationWorkItemAttachmentService/FileService do it
 * (ado-behaviour.md §1): the first chunk must start at 0, a chunk at 0 restarts the upload, a
 * range already received is a no-op, a gap or a partial overlap and any chunk after completion
 * fail with an unmapped exception (500 unless rules say 400). The total is checked against the
 * size limit on every chunk.
 */
export async function uploadChunk(stats: Stats, attachment: Attachment, req: IncomingMessage, maxSize: number, fault: UploadFault, rules: ChunkRules): Promise<ChunkOutcome> {
  if (!attachment.chunked) throw badRange(`Attachment ${attachment.id} was not started as a chunked upload.`);
  const range = parseContentRange(req.headers['content-range']);
  const expected = range.last - range.first + 1;
  const length = declaredLength(req);
  if (length !== undefined && length !== expected) throw incorrectLength();
  if (attachment.complete) {
    await discardBody(stats, req, expected);
    throw scatter(rules, `TF14109: The file ${attachment.id} has already been uploaded.`, 'FileAlreadyUploadedException');
  }
  if (range.total > maxSize) throw tooLarge(maxSize);
  const restart = range.first === 0;
  if (!restart && attachment.size === 0) throw new AdoError(400, `The offset ${range.first} of the chunk is not valid: the upload of attachment ${attachment.id} starts at offset 0.`, 'WorkItemAttachmentIncorrectOffsetException');
  if (!restart && attachment.total !== undefined && attachment.total !== range.total) throw badRange(`The total length ${range.total} in Content-Range does not match the length ${attachment.total} of the upload in progress.`);
  if (!restart && range.last < attachment.size) {
    await discardBody(stats, req, expected);
    return 'replayed';
  }
  if (!restart && range.first !== attachment.size) {
    await discardBody(stats, req, expected);
    throw scatter(rules, 'Cannot scatter upload.', 'NotSupportedException');
  }
  const running = restart ? createHash('sha256') : (hashes.get(attachment.id) ?? createHash('sha256'));
  const hash = running.copy();
  const previousSize = restart ? 0 : attachment.size;
  const meter = new Meter(hash, expected, incorrectLength, fault.resetMidBody ? Math.max(1, Math.floor(expected / 2)) : undefined);
  try {
    if (restart) await fs.truncate(attachment.path, 0);
    await pipeline(req, meter, createWriteStream(attachment.path, { flags: 'r+', start: range.first })).finally(() => (stats.uploads.chunkBodyBytes += meter.bytes));
    if (meter.bytes !== expected) throw incorrectLength();
  } catch (error) {
    await fs.truncate(attachment.path, previousSize);
    if (restart) {
      attachment.size = 0;
      hashes.delete(attachment.id);
    }
    if (fault.resetMidBody) destroyRequest(req);
    throw error;
  }
  hashes.set(attachment.id, hash);
  attachment.total = range.total;
  attachment.size = previousSize + expected;
  if (attachment.size !== range.total) return 'stored';
  attachment.complete = true;
  attachment.sha256 = hash.digest('hex');
  hashes.delete(attachment.id);
  return 'complete';
}

const MIME: Record<string, string> = {
  txt: 'text/plain', md: 'text/markdown', csv: 'text/csv', log: 'text/plain', json: 'application/json', xml: 'application/xml',
  html: 'text/html', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', pdf: 'application/pdf',
  mp4: 'video/mp4', webm: 'video/webm', zip: 'application/zip', gz: 'application/gzip', bin: 'application/octet-stream',
};

/**
 * The download's Content-Type (AttachmentController.SetResponseContentHeaders): the name's own
 * type only for images other than SVG, PDF and video; everything else is octet-stream.
 */
export function contentTypeFor(fileName: string): string {
  const type = MIME[path.extname(fileName).slice(1).toLowerCase()];
  if (!type) return 'application/octet-stream';
  const specific = (type.startsWith('image/') && type !== 'image/svg+xml') || type === 'application/pdf' || type.startsWith('video/');
  return specific ? type : 'application/octet-stream';
}

/** RFC 6266: an ASCII fallback and, for other names, the RFC 5987 UTF-8 form. */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  if (fallback === fileName) return `attachment; filename="${fileName}"`;
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** Streams a blob; 'truncate' and 'reset-mid-body' faults cut the body at half. */
export async function download(attachment: Attachment, res: ServerResponse, fileName: string, asDownload: boolean, bodyFault: BodyFault | undefined, apiVersion: string): Promise<void> {
  const type = contentTypeFor(fileName);
  // The disposition only when asked to download, or when the type is not a specific one.
  const disposition: Record<string, string> = asDownload || type === 'application/octet-stream' ? { 'Content-Disposition': attachmentDisposition(fileName) } : {};
  // A blob stored compressed goes out as it is stored, marked gzip, whatever the client accepts.
  const stored = attachment.gzipBytes ?? attachment.size;
  res.writeHead(200, {
    ...baseHeaders(apiVersion),
    'Content-Type': type,
    'Content-Length': String(stored),
    ...(attachment.gzipBytes !== undefined ? { 'Content-Encoding': 'gzip' } : {}),
    ...disposition,
    ETag: `"${attachment.sha256 ?? attachment.id}"`,
  });
  if (stored === 0) return void res.end();
  const end = bodyFault ? Math.max(0, Math.floor(stored / 2) - 1) : stored - 1;
  try {
    await pipeline(createReadStream(attachment.path, { start: 0, end }), res, { end: !bodyFault });
  } catch {
    res.destroy();
    return;
  }
  if (bodyFault === 'truncate') res.socket?.end();
  else if (bodyFault) res.socket?.destroy();
}
