import assert from 'node:assert/strict';
import { conflictFileName, numberedFileName, sanitizeFileName } from '../../src/core/sync/localFileName';

describe('local file names for attachments', () => {
  it('keeps ordinary names as they are', () => {
    assert.equal(sanitizeFileName('crash log (1).txt'), 'crash log (1).txt');
    assert.equal(sanitizeFileName('résumé.pdf'), 'résumé.pdf');
  });

  it('removes path separators and parent references', () => {
    assert.equal(sanitizeFileName('../../etc/passwd'), '_.._etc_passwd');
    assert.equal(sanitizeFileName('..\\..\\boot.ini'), '_.._boot.ini');
    assert.equal(sanitizeFileName('..'), 'attachment');
    assert.equal(sanitizeFileName('/'), '_');
  });

  it('replaces control and Windows-forbidden characters', () => {
    assert.equal(sanitizeFileName('a\u0000b\u001fc<d>e:f"g|h?i*.txt'), 'a_b_c_d_e_f_g_h_i_.txt');
  });

  it('renames reserved Windows device names', () => {
    assert.equal(sanitizeFileName('CON'), 'CON_');
    assert.equal(sanitizeFileName('nul.txt'), 'nul_.txt');
    assert.equal(sanitizeFileName('com1.log'), 'com1_.log');
    assert.equal(sanitizeFileName('console.log'), 'console.log');
  });

  it('drops trailing dots and spaces and leading dots', () => {
    assert.equal(sanitizeFileName('report.pdf. . '), 'report.pdf');
    assert.equal(sanitizeFileName('.hidden'), 'hidden');
  });

  it('shortens overlong names to 200 bytes and keeps the extension', () => {
    const name = sanitizeFileName(`${'é'.repeat(300)}.png`);
    assert.ok(Buffer.byteLength(name) <= 200, String(Buffer.byteLength(name)));
    assert.ok(name.endsWith('.png'));
  });

  it('makes visible conflict and numbered names', () => {
    const when = new Date('2026-11-24T05:42:19Z');
    assert.equal(conflictFileName('report.pdf', 'ADO', when), 'report (conflict 2026-11-24 0542 from ADO).pdf');
    assert.equal(numberedFileName('report.pdf', 2), 'report (2).pdf');
    assert.equal(numberedFileName('Makefile', 3), 'Makefile (3)');
  });
});
