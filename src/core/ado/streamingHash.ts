// Hashing while bytes flow, so no file is ever read twice or held in memory (DESIGN.md
// principle 3). A chunk that is retried is hashed into a copy of the running hash
// (Hash#copy), and only the copy of the attempt that succeeded is kept.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Read size for file streams: large enough for few syscalls, small enough for flat memory. */
export const FILE_READ_CHUNK = 1024 * 1024;

export function newSha256(): Hash {
  return createHash('sha256');
}

/** Passes bytes through unchanged, feeding them to a hash and counting them. */
export class HashingCounter extends Transform {
  bytes = 0;

  constructor(
    readonly hash: Hash,
    private readonly onBytes?: (chunkBytes: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes?.(chunk.length);
    callback(null, chunk);
  }
}

/** Feeds bytes [start, endExclusive) of a file into hash; returns how many were read. */
export async function hashFileRange(path: string, hash: Hash, start: number, endExclusive: number, signal?: AbortSignal): Promise<number> {
  if (endExclusive <= start) return 0;
  const counter = new HashingCounter(hash);
  const source = createReadStream(path, { start, end: endExclusive - 1, highWaterMark: FILE_READ_CHUNK });
  // Drain the counter without keeping the bytes.
  counter.resume();
  await pipeline(source, counter, { signal });
  return counter.bytes;
}

export async function sha256OfFile(path: string, signal?: AbortSignal): Promise<{ sha256: string; size: number }> {
  const hash = newSha256();
  const counter = new HashingCounter(hash);
  counter.resume();
  await pipeline(createReadStream(path, { highWaterMark: FILE_READ_CHUNK }), counter, { signal });
  return { sha256: hash.digest('hex'), size: counter.bytes };
}
