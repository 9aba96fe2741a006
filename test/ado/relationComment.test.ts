import assert from 'node:assert/strict';
import { fitRelationComment, MAX_RELATION_COMMENT_LENGTH } from '../../src/core/ado';

const MARKER = `[sha256:${'0f'.repeat(32)}]`;

describe('ado: relation comments fit in 255 characters', () => {
  it('leaves a comment that fits alone, 255 characters included', () => {
    const exact = 'x'.repeat(255);
    assert.equal(fitRelationComment(exact), exact);
    assert.equal(fitRelationComment(`note ${MARKER}`), `note ${MARKER}`);
  });

  it('shortens the text before a trailing marker and keeps the marker whole', () => {
    const fitted = fitRelationComment(`${'word '.repeat(80)}${MARKER}`);
    assert.ok(fitted.length <= MAX_RELATION_COMMENT_LENGTH, String(fitted.length));
    assert.ok(fitted.endsWith(`… ${MARKER}`), fitted);
  });

  it('shortens a comment without a marker, never splitting a surrogate pair', () => {
    const fitted = fitRelationComment('😀'.repeat(200));
    assert.ok(fitted.length <= MAX_RELATION_COMMENT_LENGTH);
    assert.ok(fitted.endsWith('…'));
    assert.doesNotThrow(() => encodeURIComponent(fitted));
  });
});
