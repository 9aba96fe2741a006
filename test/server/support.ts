// The HTTP API under test: `ado-sync serve` run in process through main() (as the bundled CLI
// runs it) on a free loopback port, over the real emulator and a real sql.js file, with a token
// made by `ado-sync token create`.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main';
import { STAGING_DIR } from '../../src/core/sync/inbound';
import { freePort, serveFixture, trackItems, waitFor, type ServeFixture } from '../webhook/support';

export { serveFixture, trackItems, type ServeFixture };

/** Files (not folders) anywhere in the mirror's staging: each process stages in a folder of its own. */
export async function stagedFiles(mirror: string): Promise<string[]> {
  const entries = await readdir(path.join(mirror, STAGING_DIR), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => e.name).sort();
}

/** A stream that keeps what is written, to read a command's output while it runs. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

export async function cli(f: ServeFixture, args: string[], env: NodeJS.ProcessEnv = {}, signal?: AbortSignal) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { ...f.env, ...env }, signal, { stdout, stderr, cwd: f.workspace });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

export async function createToken(f: ServeFixture, name: string): Promise<string> {
  const r = await cli(f, ['token', 'create', '--name', name, '--json']);
  if (r.code !== 0) throw new Error(`token create: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { token: string }).token;
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RunningApi {
  base: string;
  token: string;
  call<T = Record<string, unknown>>(method: string, path: string, options?: { token?: string | null; json?: unknown; body?: BodyInit; headers?: Record<string, string> }): Promise<Reply<T>>;
  /** Stops serve (as Ctrl+C does) and gives its exit code and output. */
  stop(): Promise<{ code: number; stdout: string; stderr: string }>;
}

export async function startApi(f: ServeFixture, env: NodeJS.ProcessEnv = {}, token?: string, args: string[] = []): Promise<RunningApi> {
  const bearer = token ?? (await createToken(f, 'tests'));
  const port = await freePort();
  const controller = new AbortController();
  const stdout = new Capture();
  const stderr = new Capture();
  const serving = main(['serve', '--port', String(port), ...args], { ...f.env, ...env }, controller.signal, { stdout, stderr, cwd: f.workspace });
  let exit: number | undefined;
  void serving.then((code) => (exit = code));
  const base = `http://127.0.0.1:${port}`;
  await waitFor('the API answering', async () => {
    if (exit !== undefined) throw new Error(`serve exited ${exit}: ${stderr.text}`);
    return fetch(`${base}/api/health`).then((r) => r.ok, () => false);
  }, 15_000);
  return {
    base,
    token: bearer,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const t = options.token === undefined ? bearer : options.token;
      if (t !== null) headers.authorization = `Bearer ${t}`;
      let body = options.body;
      if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        headers['content-type'] ??= 'application/json';
      }
      const init: RequestInit & { duplex?: 'half' } = { method, headers, body };
      if (body && typeof (body as ReadableStream).getReader === 'function') init.duplex = 'half';
      const res = await fetch(`${base}${path}`, init);
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new Error(`${method} ${path}: ${res.status}, not JSON: ${text}`);
      }
      return { status: res.status, headers: res.headers, body: parsed as never };
    },
    async stop() {
      controller.abort();
      const code = await serving;
      return { code, stdout: stdout.text, stderr: stderr.text };
    },
  };
}
