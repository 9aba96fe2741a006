import assert from 'node:assert/strict';
import { MAX_RELATION_COMMENT_LENGTH } from '../../src/core/ado';
import { commentWithMarker, formatMarker, markerOf, stripMarker } from '../../src/core/sync/contentMarker';

const SHA = 'a'.repeat(62) + 'bc';

describe('content marker in relation comments', () => {
  it('appends the marker after the user comment and reads it back', () => {
    const comment = commentWithMarker('Screenshot of the crash', SHA);
    assert.equal(comment, `Screenshot of the crash [sha256:${SHA}]`);
    assert.equal(markerOf(comment), SHA);
    assert.equal(stripMarker(comment), 'Screenshot of the crash');
  });

  it('uses the marker alone when there is no user comment', () => {
    assert.equal(commentWithMarker(undefined, SHA), formatMarker(SHA));
    assert.equal(commentWithMarker('   ', SHA), formatMarker(SHA));
  });

  it('shortens the user part, never the marker, to 255 characters', () => {
    const comment = commentWithMarker('x'.repeat(400), SHA);
    assert.equal(comment.length, MAX_RELATION_COMMENT_LENGTH);
    assert.ok(comment.endsWith(`… [sha256:${SHA}]`));
    assert.equal(markerOf(comment), SHA);
  });

  it('does not split a surrogate pair when shortening', () => {
    const comment = commentWithMarker('😀'.repeat(200), SHA);
    assert.ok(comment.length <= MAX_RELATION_COMMENT_LENGTH);
    assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(comment));
  });

  it('does not stack markers when a comment is re-marked', () => {
    const once = commentWithMarker('note', SHA);
    const other = 'f'.repeat(64);
    assert.equal(commentWithMarker(once, other), `note [sha256:${other}]`);
  });

  it('finds no marker in foreign comments', () => {
    assert.equal(markerOf('uploaded by a colleague'), undefined);
    assert.equal(markerOf(null), undefined);
    assert.equal(markerOf('[sha256:1234]'), undefined);
  });

  it('refuses a value that is not a digest', () => {
    assert.throws(() => formatMarker('nothex'), /not a SHA-256/);
  });
});
