// Request bodies: a JSON body read whole under a byte limit, or a raw body streamed to a file.
// The limit is checked against Content-Length before anything is read, and again while reading
// (a chunked body has no length).
import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { badRequest, HttpError } from './httpError';

export function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${limit} bytes (ATTACHMENT_MAX_FILE_SIZE)`);
}

/** Refuses a declared length over `max` before the body is read (the answer names the file limit `reported`). */
export function checkDeclaredLength(req: IncomingMessage, max: number, reported = max): void {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > max) throw tooLarge(reported);
}

export function isJson(req: IncomingMessage): boolean {
  return /^application\/(.+\+)?json\b/i.test(req.headers['content-type'] ?? '');
}

/** Stops a stream once more than `limit` bytes went through it. */
export class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) done(tooLarge(this.limit));
    else done(null, chunk);
  }
}

/** The body parsed as a JSON object; 400 when it is not one, 413 past the limit. */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  if (!isJson(req)) throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  checkDeclaredLength(req, limit);
  const chunks: Buffer[] = [];
  const counter = new ByteLimit(limit);
  counter.on('data', (c: Buffer) => chunks.push(c));
  await pipeline(req, counter);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    throw badRequest('the body is not valid JSON', 'MALFORMED_JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('the body must be a JSON object', 'MALFORMED_JSON');
  return value as Record<string, unknown>;
}

/** Streams the raw body into `file` (created, never overwritten); returns its size. */
export async function streamBodyToFile(req: IncomingMessage, file: string, limit: number): Promise<number> {
  checkDeclaredLength(req, limit);
  const counter = new ByteLimit(limit);
  await pipeline(req, counter, createWriteStream(file, { flags: 'wx' }));
  return counter.bytes;
}
