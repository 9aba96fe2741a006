// What the CLI says when the command line is wrong: per-command help, negative numbers, typos,
// misused options. Our words, never node's parseArgs text (its "--" advice does not apply).
import assert from 'node:assert/strict';
import { CliFixture } from './support';

const NODE_WORDING = /ambiguous|To specify a positional argument|Unknown option/;

describe('ado-sync messages for the command line', () => {
  const f = new CliFixture();
  before(() => f.start());
  after(() => f.stop());

  it('help <command> shows that command\'s usage, not the general one', async () => {
    const run = await f.run(['help', 'attach']);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /^Usage: ado-sync attach <file or pattern\.\.\.> --work-item <id>/);
    assert.match(run.out, /--no-link/);
    assert.doesNotMatch(run.out, /Commands:/);
    assert.equal(run.out, (await f.run(['attach', '--help'])).out);
  });

  it('help of an unknown command suggests the closest one, exit 2', async () => {
    const run = await f.run(['help', 'hsitory']);
    assert.equal(run.code, 2);
    assert.equal(run.err, 'error: unknown command "hsitory" (did you mean history?). Run "ado-sync help" for the list.\n');
  });

  it('a typo of a command gets "did you mean"; something unlike any command does not', async () => {
    const typo = await f.run(['atach', 'x.txt']);
    assert.equal(typo.code, 2);
    assert.match(typo.err, /^error: unknown command "atach" \(did you mean attach\?\)\./);
    const far = await f.run(['frobnicate']);
    assert.equal(far.code, 2);
    assert.doesNotMatch(far.err, /did you mean/);
  });

  it('a typo of an option gets "did you mean" and the command\'s usage', async () => {
    const run = await f.run(['attach', 'x.txt', '--work-itme', '3']);
    assert.equal(run.code, 2);
    assert.match(run.err, /^error: unknown option --work-itme \(did you mean --work-item\?\)\.\n\nUsage: ado-sync attach /);
    assert.doesNotMatch(run.err, NODE_WORDING);
  });

  it('a negative work item id gets our message (positional and option value)', async () => {
    const track = await f.run(['track', '-5']);
    assert.equal(track.code, 2);
    assert.equal(track.err, 'error: Each argument must be a work item id, a positive whole number; got "-5".\n');
    const list = await f.run(['list', '-3']);
    assert.equal(list.code, 2);
    assert.match(list.err, /must be a work item id, a positive whole number; got "-3"/);
    const attach = await f.run(['attach', 'x.txt', '--work-item', '-7']);
    assert.equal(attach.code, 2);
    assert.match(attach.err, /--work-item must be a work item id, a positive whole number; got "-7"/);
    for (const run of [track, list, attach]) assert.doesNotMatch(run.err, NODE_WORDING);
  });

  it('a negative number for a numeric option gets that option\'s own message', async () => {
    const run = await f.run(['history', '--limit', '-3']);
    assert.equal(run.code, 2);
    assert.match(run.err, /^error: --limit must be a whole number from 1 to 500; got "-3"\./);
    assert.doesNotMatch(run.err, NODE_WORDING);
  });

  it('an option without its value, or with one it does not take, says so', async () => {
    const missing = await f.run(['history', '--limit', '--json']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--limit needs a value, and the next argument is an option\. For a value starting with "-", write --limit=<value>\./);
    const atEnd = await f.run(['history', '--limit']);
    assert.equal(atEnd.code, 2);
    assert.match(atEnd.err, /^error: --limit needs a value\./);
    const extra = await f.run(['history', '--json=yes']);
    assert.equal(extra.code, 2);
    assert.match(extra.err, /^error: --json takes no value\./);
    for (const run of [missing, atEnd, extra]) assert.doesNotMatch(run.err, NODE_WORDING);
  });

  it('a mistyped value of a fixed list gets "did you mean"', async () => {
    const status = await f.run(['history', '--status', 'faild']);
    assert.equal(status.code, 2);
    assert.match(status.err, /^error: --status must be one or more of .*; got "faild" \(did you mean failed\?\)\.\n$/);
    const trigger = await f.run(['history', '--trigger', 'manul']);
    assert.equal(trigger.code, 2);
    assert.match(trigger.err, /^error: --trigger must be one of .*; got "manul" \(did you mean manual\?\)\.\n$/);
    const action = await f.run(['webhook', 'regster']);
    assert.equal(action.code, 2);
    assert.equal(action.err, 'error: expected one of register, list, unregister; got "regster" (did you mean register?).\n');
  });
});
