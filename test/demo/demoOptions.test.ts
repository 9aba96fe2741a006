// `npm run demo` as a newcomer meets it before anything runs: --help lists the options, a bad
// option or port is refused with the usage, and a busy port is named with how to choose another.
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { type ProcessRun, spawnProcess } from '../cli/support';

const REPO = path.resolve(__dirname, '../..');

/** The demo script as npm runs it (tsx), from the repository. */
function demo(args: string[]): Promise<ProcessRun> {
  return spawnProcess(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], REPO, {});
}

describe('npm run demo: options', function () {
  this.timeout(60_000);

  it('--help lists every option and exits 0 without starting anything', async () => {
    const run = await demo(['--help']);
    assert.equal(run.status, 0, run.stderr);
    for (const option of ['--port <n>', '--no-ui', '--once', '--exit-when-ready', '--help']) assert.ok(run.stdout.includes(option), `${option} in:\n${run.stdout}`);
    assert.match(run.stdout, /PAT test-pat/);
    assert.doesNotMatch(run.stdout, /demo: building/);
  });

  it('an unknown option or a bad port: exit 2 with the usage', async () => {
    const unknown = await demo(['--prot', '9000']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Usage: npm run demo -- \[options\]/);
    const port = await demo(['--port', 'x']);
    assert.equal(port.status, 2);
    assert.match(port.stderr, /^demo: --port must be a port number from 0 to 65535; got "x"\./);
  });

  it('a busy port is named, with how to choose another, before anything is built', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const run = await demo(['--port', String(port)]);
      assert.equal(run.status, 1);
      assert.equal(run.stderr, `demo: port ${port} is already in use (another demo or emulator still running?). Stop it, or choose another port: npm run demo -- --port ${port + 1} (0 = any free port).\n`);
      assert.doesNotMatch(run.stdout, /building/);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
