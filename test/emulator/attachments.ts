// Attachment blobs: streamed to files in dataDir and hashed (SHA-256) as they arrive, never
// held in memory. Simple uploads, chunked uploads (Content-Range, sequential) and downloads.
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Attachment, EmulatorState } from './state';
import { AdoError, adoDate, baseHeaders } from './wire';

export function tooLarge(max: number): AdoError {
  const mb = (max / (1024 * 1024)).toFixed(3);
  return new AdoError(
    400,
    `TF237082: The file you are trying to upload exceeds the supported file upload size (${mb} MB(s)). Instead of uploading the file, add the file to version control or to the team project web site, and then link the file to the work item.`,
    'VssServiceException',
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
    await fs.rm(partial, { force: true });
    if (fault.resetMidBody) destroyRequest(req);
    if (chunked && error instanceof AdoError) throw badRange('A chunked upload is started with an empty body; send the content with PUT and Content-Range.');
    throw error;
  }
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
  if (!match) throw badRange(`The Content-Range header '${header ?? ''}' is missing or invalid. Expected: bytes {first}-{last}/{total}.`);
  const [first, last, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (last < first || last >= total) throw badRange(`The Content-Range header '${header}' is not valid: the range must lie within the total length.`);
  return { first, last, total };
}

/** One chunk of a chunked upload; ranges must arrive in order without gaps or overlaps. */
export async function uploadChunk(attachment: Attachment, req: IncomingMessage, maxSize: number, fault: UploadFault): Promise<void> {
  if (!attachment.chunked) throw badRange(`Attachment ${attachment.id} was not started as a chunked upload.`);
  if (attachment.complete) throw badRange(`The chunked upload of attachment ${attachment.id} is already complete.`);
  const range = parseContentRange(req.headers['content-range']);
  if (range.total > maxSize) throw tooLarge(maxSize);
  if (attachment.total !== undefined && attachment.total !== range.total) throw badRange(`The total length ${range.total} in Content-Range does not match the length ${attachment.total} of the upload in progress.`);
  if (range.first > attachment.size) throw badRange(`The range starts at byte ${range.first} but only ${attachment.size} bytes were received: chunks must not leave gaps.`);
  if (range.first < attachment.size) throw badRange(`The range starts at byte ${range.first} but ${attachment.size} bytes were already received: chunks must not overlap.`);
  const expected = range.last - range.first + 1;
  const length = declaredLength(req);
  if (length !== undefined && length !== expected) throw badRange(`The Content-Length ${length} does not match the Content-Range length ${expected}.`);
  const running = hashes.get(attachment.id) ?? createHash('sha256');
  const hash = running.copy();
  const meter = new Meter(hash, expected, () => badRange(`The body is longer than the Content-Range length ${expected}.`), fault.resetMidBody ? Math.max(1, Math.floor(expected / 2)) : undefined);
  try {
    await pipeline(req, meter, createWriteStream(attachment.path, { flags: 'r+', start: range.first }));
    if (meter.bytes !== expected) throw badRange(`The body length ${meter.bytes} does not match the Content-Range length ${expected}.`);
  } catch (error) {
    await fs.truncate(attachment.path, attachment.size);
    if (fault.resetMidBody) destroyRequest(req);
    throw error;
  }
  hashes.set(attachment.id, hash);
  attachment.total = range.total;
  attachment.size += expected;
  if (attachment.size === range.total) {
    attachment.complete = true;
    attachment.sha256 = hash.digest('hex');
    hashes.delete(attachment.id);
  }
}

const MIME: Record<string, string> = {
  txt: 'text/plain', md: 'text/markdown', csv: 'text/csv', log: 'text/plain', json: 'application/json', xml: 'application/xml',
  html: 'text/html', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', pdf: 'application/pdf',
  zip: 'application/zip', gz: 'application/gzip', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bin: 'application/octet-stream',
};

export function contentTypeFor(fileName: string): string {
  const ext = path.extname(fileName).slice(1).toLowerCase();
  return MIME[ext] ?? 'application/octet-stream';
}

/** Streams a blob; 'truncate' and 'reset-mid-body' faults cut the body at half. */
export async function download(attachment: Attachment, res: ServerResponse, fileName: string, asDownload: boolean, bodyFault: 'truncate' | 'reset-mid-body' | undefined, apiVersion: string): Promise<void> {
  const encoded = encodeURIComponent(fileName);
  res.writeHead(200, {
    ...baseHeaders(apiVersion),
    'Content-Type': contentTypeFor(fileName),
    'Content-Length': String(attachment.size),
    // The quoted form is the ASCII fallback (a header may carry no controls, and Node refuses any
    // character above U+00FF); the real name is in filename*, as RFC 6266 has it.
    'Content-Disposition': `${asDownload ? 'attachment' : 'inline'}; filename="${fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encoded}`,
    ETag: `"${attachment.sha256 ?? attachment.id}"`,
  });
  if (attachment.size === 0) return void res.end();
  const end = bodyFault ? Math.max(0, Math.floor(attachment.size / 2) - 1) : attachment.size - 1;
  try {
    await pipeline(createReadStream(attachment.path, { start: 0, end }), res, { end: !bodyFault });
  } catch {
    res.destroy();
    return;
  }
  if (bodyFault === 'truncate') res.socket?.end();
  else if (bodyFault === 'reset-mid-body') res.socket?.destroy();
}
