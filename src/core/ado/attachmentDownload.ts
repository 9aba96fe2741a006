// Attachment downloads: streamed to `<dest>.part-<random>` beside the destination, hashed on the
// way, checked against the Content-Length and the expected size and SHA-256, flushed to disk,
// then renamed over dest (a gzip-encoded body, as the service sends blobs it stores compressed,
// is unpacked on the way). On any failure the temp file is removed and dest is left untouched
// (DESIGN.md principles 3 and 4). A body that breaks mid-way is retried from the start with a
// fresh temp file (ADO documents no Range support for attachments).
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Response } from 'node-fetch';
import { attachmentIdFromUrl } from './attachmentRelations';
import type { TransferProgress } from './attachmentUpload';
import { type AdoContext, projectPath } from './context';
import { IntegrityError, NetworkError } from './errors';
import type { Attempt } from './httpTransport';
import { FILE_READ_CHUNK, HashingCounter, newSha256 } from './streamingHash';

export interface DownloadOptions {
  /** Name the server uses for the Content-Type; defaults to none. */
  fileName?: string;
  expectedSize?: number;
  expectedSha256?: string;
  signal?: AbortSignal;
  onProgress?: (progress: TransferProgress) => void;
}

export interface DownloadResult {
  path: string;
  size: number;
  sha256: string;
}

export async function downloadAttachment(context: AdoContext, urlOrId: string, destPath: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  // Always our own base URL: never send credentials to a host taken from a relation URL.
  const id = attachmentIdFromUrl(urlOrId);
  await mkdir(dirname(destPath), { recursive: true });
  return context.transport.send({
    method: 'GET',
    path: projectPath(context, `wit/attachments/${encodeURIComponent(id)}`),
    query: { fileName: options.fileName, download: true },
    accept: 'application/octet-stream',
    compress: false,
    idempotency: 'idempotent',
    signal: options.signal,
    read: (response, attempt) => receiveToFile(response, attempt, destPath, options),
  });
}

async function receiveToFile(response: Response, attempt: Attempt, destPath: string, options: DownloadOptions): Promise<DownloadResult> {
  const tempPath = `${destPath}.part-${randomBytes(6).toString('hex')}`;
  const declared = Number(response.headers.get('content-length') ?? NaN);
  const total = options.expectedSize ?? (Number.isFinite(declared) ? declared : 0);
  const hash = newSha256();
  const counter = new HashingCounter(hash, () => {
    attempt.touch();
    options.onProgress?.({ transferred: counter.bytes, total });
  });
  try {
    // flush: fsync before close, so the rename never exposes a file whose bytes are not on disk.
    const file = createWriteStream(tempPath, { flags: 'wx', flush: true, highWaterMark: FILE_READ_CHUNK });
    // A blob the service stores compressed comes gzip-encoded even though we did not ask for it;
    // Content-Length then counts the compressed bytes.
    const gzipped = /\bgzip\b/i.test(response.headers.get('content-encoding') ?? '');
    const received = gzipped ? new HashingCounter(newSha256(), () => attempt.touch()) : counter;
    if (gzipped) await pipeline(response.body, received, createGunzip(), counter, file, { signal: attempt.signal });
    else await pipeline(response.body, counter, file, { signal: attempt.signal });
    if (Number.isFinite(declared) && received.bytes !== declared) {
      throw new NetworkError(`The download ended after ${received.bytes} of ${declared} bytes`, { url: response.url, status: response.status });
    }
    const sha256 = hash.digest('hex');
    verify(counter.bytes, sha256, options, response.url);
    await rename(tempPath, destPath);
    return { path: destPath, size: counter.bytes, sha256 };
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }
}

function verify(size: number, sha256: string, options: DownloadOptions, url: string): void {
  if (options.expectedSize !== undefined && size !== options.expectedSize) {
    throw new IntegrityError(`Downloaded ${size} bytes, expected ${options.expectedSize}`, { url });
  }
  if (options.expectedSha256 !== undefined && sha256 !== options.expectedSha256.toLowerCase()) {
    throw new IntegrityError(`Downloaded content has SHA-256 ${sha256}, expected ${options.expectedSha256.toLowerCase()}`, { url });
  }
}
