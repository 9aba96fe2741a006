// displayText and its kin: what is escaped, what is kept, and that --json stays the same value.
import assert from 'node:assert/strict';
import { displayJson, displayLines, displayText } from '../../src/shared/displayText';

describe('displayText', () => {
  it('escapes C0, DEL, C1, bidi, line separators, tags and lone surrogates; keeps ZWJ, ZWNJ and ordinary text', () => {
    assert.equal(displayText('a\x00b\x07c\x1b[2Jd\x7fe\x85f\x9bg'), 'a\\x00b\\x07c\\x1B[2Jd\\x7Fe\\x85f\\x9Bg');
    assert.equal(displayText('invoice\u202Etxt.exe \u2066x\u2069 \u200Bz\u2028\u2029'), 'invoice\\u202Etxt.exe \\u2066x\\u2069 \\u200Bz\\u2028\\u2029');
    assert.equal(displayText('flag\u{E0041}\uD800'), 'flag\\u{E0041}\\uD800');
    assert.equal(displayText('می\u200Cخواهم 👩\u200D💻 Prüfbericht 報告.pdf C:\\tmp'), 'می\u200Cخواهم 👩\u200D💻 Prüfbericht 報告.pdf C:\\tmp');
    assert.equal(displayText('two\nlines\ttab\r'), 'two\\x0Alines\\x09tab\\x0D');
  });

  it('displayLines keeps line feeds only', () => {
    assert.equal(displayLines('one\ntwo\r\n\x1b]0;t\x07'), 'one\ntwo\\x0D\n\\x1B]0;t\\x07');
  });

  it('displayJson writes the same characters as \\u escapes, so the parsed value is unchanged', () => {
    const value = { name: 'r\x1b]0;x\x07\u202E\x9b\u{E0041}.txt', ok: 'Prüf 報告 👩\u200D💻' };
    const text = displayJson(JSON.stringify(value, null, 2));
    assert.equal(/(?!\n)[\p{Cc}\p{Cf}]/u.test(text.replace(/\u200D/g, '')), false, text);
    assert.deepEqual(JSON.parse(text), value);
  });
});
