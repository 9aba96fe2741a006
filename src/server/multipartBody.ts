// A multipart/form-data upload (what `curl -F file=@x` and HTML forms send): its one file part
// streamed to disk under the raw body's limits, its other parts as text fields, in any order.
// busboy parses the stream (the parser multer and most Node frameworks use); the byte limit is
// ours (ByteLimit), so that a multipart, raw or JSON body over the limit is refused alike.
import busboy from 'busboy';
import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errorMessage } from '../core/errorMessage';
import { badRequest, HttpError } from './httpError';
import { ByteLimit, checkDeclaredLength } from './requestBody';

/** The part that carries the file; the seed's JSON upload calls its content `file` too. */
export const FILE_PART = 'file';
/** Text fields: a few short values (workItemId, fileName, comment, link). */
const MAX_FIELDS = 16;
const MAX_FIELD_BYTES = 4096;
/** Room for the boundaries, part headers and fields beside the file in the declared length. */
const FORM_OVERHEAD = 64 * 1024 + MAX_FIELDS * MAX_FIELD_BYTES;

export interface MultipartUpload {
  fields: Record<string, string>;
  /** The file part's own file name (Content-Disposition filename), when it has one. */
  partFileName?: string;
  size: number;
}

export function isMultipart(req: IncomingMessage): boolean {
  return /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '');
}

/**
 * Streams the file part into `file` (created, never overwritten) and collects the fields. 413 past
 * `limit` bytes of file (declared or counted), 400 for a malformed form, a second file, a missing
 * file part or an over-long field. On refusal `file` may hold a part: the caller removes it.
 */
export function streamMultipartToFile(req: IncomingMessage, file: string, limit: number): Promise<MultipartUpload> {
  checkDeclaredLength(req, limit + FORM_OVERHEAD, limit);
  let parser: busboy.Busboy;
  try {
    // Browsers and curl send UTF-8 file names; busboy reads latin1 unless told.
    parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES } });
  } catch (error) {
    throw badRequest(`the multipart/form-data body cannot be read: ${errorMessage(error)}`, 'MALFORMED_MULTIPART');
  }
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let partFileName: string | undefined;
    let writing: Promise<number> | undefined;
    let part: Readable | undefined;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      const refusal = error instanceof HttpError ? error : badRequest(`the multipart/form-data body cannot be read: ${errorMessage(error)}`, 'MALFORMED_MULTIPART');
      // Ends a file part still being written (an aborted request never ends it), so that its file is
      // closed before the caller removes it. With an error: a part destroyed after its last byte
      // was read but before its end was seen would otherwise count as finished and stall the pipeline.
      part?.destroy(refusal);
      void (writing ?? Promise.resolve()).catch(() => undefined).then(() => reject(refusal));
    };
    parser.on('file', (name, stream, info) => {
      if (name !== FILE_PART) {
        stream.resume();
        fail(badRequest(`the file goes in a part named "${FILE_PART}"; got a file in "${name}"`));
        return;
      }
      partFileName = info.filename || undefined;
      part = stream;
      const counter = new ByteLimit(limit);
      writing = pipeline(stream, counter, createWriteStream(file, { flags: 'wx' })).then(() => counter.bytes);
      writing.catch(fail);
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) fail(badRequest(`the field "${name}" is longer than ${MAX_FIELD_BYTES} bytes`));
      else fields[name] = value;
    });
    parser.on('filesLimit', () => fail(badRequest('send one file per request')));
    parser.on('fieldsLimit', () => fail(badRequest(`at most ${MAX_FIELDS} fields beside the file`)));
    parser.on('error', fail);
    parser.on('close', () => {
      if (!writing) return fail(badRequest(`a part named "${FILE_PART}" with the file is required`));
      writing.then((size) => {
        if (settled) return;
        settled = true;
        resolve({ fields, partFileName, size });
      }, fail);
    });
    req.on('error', fail);
    req.on('close', () => {
      if (!req.complete) fail(badRequest('the request ended before its body was complete'));
    });
    req.pipe(parser);
  });
}
