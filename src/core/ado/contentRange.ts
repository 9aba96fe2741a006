// Byte-range arithmetic of chunked uploads: `Content-Range: bytes {first}-{last}/{total}`,
// last byte inclusive (RFC 9110 §14.4, ado-api.md §1.2).

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export function rangeLength(range: ByteRange): number {
  return range.end - range.start + 1;
}

/** The chunk ranges covering [from, total), each at most chunkSize bytes. */
export function chunkRanges(total: number, chunkSize: number, from = 0): ByteRange[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`invalid total size ${total}`);
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) throw new RangeError(`invalid chunk size ${chunkSize}`);
  if (!Number.isSafeInteger(from) || from < 0 || from > total) throw new RangeError(`invalid start byte ${from} of ${total}`);
  const ranges: ByteRange[] = [];
  for (let start = from; start < total; start += chunkSize) {
    ranges.push({ start, end: Math.min(total, start + chunkSize) - 1 });
  }
  return ranges;
}

export function formatContentRange(range: ByteRange, total: number): string {
  return `bytes ${range.start}-${range.end}/${total}`;
}

export function parseContentRange(header: string): (ByteRange & { total: number }) | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header.trim());
  if (!match) return undefined;
  const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (end < start || end >= total) return undefined;
  return { start, end, total };
}
