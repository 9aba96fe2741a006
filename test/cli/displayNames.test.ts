// Names and comments from Azure DevOps with terminal controls (ESC, OSC, BEL, NUL, C1) and bidi
// format characters go through the real CLI: no such character may reach stdout or stderr raw,
// and each is shown as its escape.
import assert from 'node:assert/strict';
import { adminUrl } from '../emulator-tests/client';
import { CliFixture, parse, type CliRun } from './support';

const HOSTILE_NAME = 'report\x1b]0;pwned\x07\u202Etxt.exe\x00\x9b.txt';
const HOSTILE_COMMENT = 'see \x1b[2J\x1b[31mred\u2066 and\u2028next';
/** Every control and format character a terminal or a bidi renderer acts on (line feed excepted). */
const RAW = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** The run's bytes with the progress line's own \r and erase-to-end-of-line taken out. */
function rawIn(run: CliRun): string | undefined {
  const text = run.out + run.err.replace(/\r/g, '').replace(/\x1b\[K/g, '');
  return RAW.exec(text)?.[0];
}

describe('ado-sync output of hostile names', () => {
  const f = new CliFixture();
  let item: number;

  before(async () => {
    await f.start();
    item = f.workItemTitled('Invoice totals round wrongly');
    const query = `fileName=${encodeURIComponent(HOSTILE_NAME)}&comment=${encodeURIComponent(HOSTILE_COMMENT)}`;
    const res = await fetch(adminUrl(f.ado, `/_emulator/work-items/${item}/attachments?${query}`), { method: 'POST', body: 'hostile content' });
    assert.equal(res.status < 300, true, `emulator refused the attachment: ${res.status} ${await res.text()}`);
  });
  after(() => f.stop());

  it('list prints the name and the comment escaped in the table', async () => {
    const run = await f.run(['list', String(item)]);
    assert.equal(run.code, 0, run.err);
    assert.equal(rawIn(run), undefined, JSON.stringify(run.out));
    assert.ok(run.out.includes('report\\x1B]0;pwned\\x07\\u202Etxt.exe\\x00\\x9B.txt'), run.out);
    assert.ok(run.out.includes('see \\x1B[2J\\x1B[31mred\\u2066 and\\u2028next'), run.out);
  });

  it('list --json escapes them as \\u sequences that parse back to the very same name', async () => {
    const run = await f.run(['list', String(item), '--json']);
    assert.equal(run.code, 0, run.err);
    assert.equal(rawIn(run), undefined, JSON.stringify(run.out));
    const answer = parse<{ adoAttachments: { name: string; comment: string | null }[] }>(run);
    const hostile = answer.adoAttachments.find((a) => a.name.startsWith('report'));
    assert.equal(hostile?.name, HOSTILE_NAME);
    assert.ok(hostile?.comment?.startsWith(HOSTILE_COMMENT), hostile?.comment ?? '');
  });

  it('sync prints progress, the summary table and warnings escaped', async () => {
    assert.equal((await f.run(['track', String(item)])).code, 0);
    const run = await f.run(['sync'], { tty: true });
    assert.equal(run.code, 0, run.out + run.err);
    assert.equal(rawIn(run), undefined, JSON.stringify(run.out + run.err));
    assert.ok((run.out + run.err).includes('\\x1B]0;pwned\\x07'), run.out + run.err);
  });

  it('errors name a hostile argument escaped', async () => {
    const run = await f.run(['attach', 'missing\x1b]0;title\x07\u202E.txt', '--work-item', String(item)]);
    assert.equal(run.code, 2);
    assert.equal(rawIn(run), undefined, JSON.stringify(run.err));
    assert.equal(run.err, 'error: missing\\x1B]0;title\\x07\\u202E.txt: no such file. Nothing was uploaded.\n');
  });
});
