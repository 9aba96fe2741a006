import assert from 'node:assert/strict';
import { chunkRanges, formatContentRange, parseContentRange, rangeLength } from '../../src/core/ado/contentRange';

describe('ado: content-range arithmetic', () => {
  it('covers the file with inclusive ranges, the last one shorter', () => {
    assert.deepEqual(chunkRanges(10, 4), [
      { start: 0, end: 3 },
      { start: 4, end: 7 },
      { start: 8, end: 9 },
    ]);
    assert.deepEqual(chunkRanges(8, 4).map(rangeLength), [4, 4]);
    assert.deepEqual(chunkRanges(1, 4), [{ start: 0, end: 0 }]);
  });

  it('starts from the next byte when resuming', () => {
    assert.deepEqual(chunkRanges(10, 4, 8), [{ start: 8, end: 9 }]);
    assert.deepEqual(chunkRanges(10, 4, 10), []);
  });

  it('formats and parses the header as RFC 9110 defines it', () => {
    assert.equal(formatContentRange({ start: 0, end: 1048575 }, 5242880), 'bytes 0-1048575/5242880');
    assert.deepEqual(parseContentRange('bytes 8-9/10'), { start: 8, end: 9, total: 10 });
    assert.equal(parseContentRange('bytes 9-8/10'), undefined);
    assert.equal(parseContentRange('bytes 0-10/10'), undefined);
  });

  it('rejects nonsense sizes', () => {
    assert.throws(() => chunkRanges(10, 0), RangeError);
    assert.throws(() => chunkRanges(-1, 4), RangeError);
    assert.throws(() => chunkRanges(10, 4, 11), RangeError);
  });
});
