// Transfer benchmark: upload and download of 50 MB and 500 MB files against the ADO emulator
// (its own process, data on disk) through our client, through curl with the same chunking, and
// through the official azure-devops-node-api client. Each contender runs in its own child process
// under /usr/bin/time, so the peak RSS it reports is that process's own.
//
//   npm run bench:transfer                 (script: "tsx bench/transfer.ts")
//   BENCH_SIZES_MB=50 BENCH_REPEAT=1 npm run bench:transfer   (quick run)
//
// Timing: for the node contenders, the worker times the operation itself (client set-up and
// module loading excluded, the same for both); curl is timed from spawn to exit of its processes
// (its start-up is a few ms). curl's chunked upload PUTs pre-split chunk files (split not timed)
// over one kept-alive connection with `Expect:` disabled: a best-case baseline that does not hash.
// Our download also hashes and fsyncs before renaming (curl and the official client do neither); the
// "same work" row does the three with standard tools (curl, sha256sum, sync FILE) for a fair floor.
//
// Beside wall time and peak RSS the table shows each process's CPU time (user+sys, start-up
// included): on a shared host wall times swing with the load, CPU time much less.
//
// The same file is also the worker: esbuild bundles it to plain JS (no tsx in the measured
// process) and the orchestrator runs `node <bundle> worker <contender> ...`.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const MiB = 1024 * 1024;
const PAT = 'bench-pat';
const PROJECT = 'Demo';

interface WorkerResult {
  ms: number;
  maxRssKb: number;
  id?: string;
  sha256?: string;
}

// ---------------------------------------------------------------- worker side

async function runWorker(args: string[]): Promise<void> {
  const [contender, op, baseUrl, ...rest] = args;
  const result = contender === 'ours' ? await oursWorker(op, baseUrl, rest) : await officialWorker(op, baseUrl, rest);
  process.stdout.write(`${JSON.stringify({ ...result, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

async function oursWorker(op: string, baseUrl: string, rest: string[]): Promise<Omit<WorkerResult, 'maxRssKb'>> {
  const { createAdoClient, PatAuth } = await import('../src/core/ado');
  const client = createAdoClient({ orgUrl: baseUrl, project: PROJECT, auth: new PatAuth(PAT), apiVersion: '7.1' });
  const start = performance.now();
  if (op === 'upload-chunked' || op === 'upload-simple') {
    const [file, chunkSize] = rest;
    const fileName = path.basename(file);
    const uploaded = op === 'upload-chunked' ? await client.uploadAttachmentChunked(file, { fileName, chunkSize: Number(chunkSize) }) : await client.uploadAttachment(file, { fileName });
    return { ms: performance.now() - start, id: uploaded.id, sha256: uploaded.sha256 };
  }
  const [id, dest] = rest;
  const downloaded = await client.downloadAttachment(id, dest, { fileName: path.basename(dest) });
  return { ms: performance.now() - start, sha256: downloaded.sha256 };
}

async function officialWorker(op: string, baseUrl: string, rest: string[]): Promise<Omit<WorkerResult, 'maxRssKb'>> {
  const azdev = await import('azure-devops-node-api');
  const connection = new azdev.WebApi(baseUrl, azdev.getPersonalAccessTokenHandler(PAT));
  // Resource-area discovery happens here, outside the timed part (our client has none).
  const wit = await connection.getWorkItemTrackingApi();
  const start = performance.now();
  if (op === 'upload-simple') {
    const [file] = rest;
    const reference = await wit.createAttachment(null, createReadStream(file), path.basename(file), undefined, PROJECT);
    return { ms: performance.now() - start, id: reference.id };
  }
  const [id, dest] = rest;
  const stream = await wit.getAttachmentContent(id, path.basename(dest), PROJECT, true);
  await pipeline(stream, createWriteStream(dest));
  return { ms: performance.now() - start };
}

// ---------------------------------------------------------------- orchestrator side

interface Measurement {
  contender: string;
  op: 'upload' | 'download';
  sizeMb: number;
  ms: number;
  rssMb: number;
  /** user + system CPU of the whole process (start-up included): robust when the host is busy. */
  cpuMs: number;
}

interface Env {
  root: string;
  dataDir: string;
  workerBundle: string;
  baseUrl: string;
  chunkSize: number;
  authHeader: string;
}

interface Timed {
  stdout: string;
  wallMs: number;
  maxRssKb: number;
  cpuMs: number;
}

/** Runs a command under /usr/bin/time; its peak RSS and CPU time are the command's own. */
async function timed(scratchDir: string, command: string, args: string[]): Promise<Timed> {
  const timeFile = path.join(scratchDir, `time-${randomBytes(4).toString('hex')}.txt`);
  const outFile = `${timeFile}.out`;
  const start = performance.now();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, command, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const out = createWriteStream(outFile);
    child.stdout.pipe(out);
    child.on('error', reject);
    child.on('close', (exitCode) => out.end(() => resolve(exitCode ?? 1)));
  });
  const wallMs = performance.now() - start;
  const stdout = await readFile(outFile, 'utf8');
  const [maxRssKb, userS, systemS] = ((await readFile(timeFile, 'utf8')).trim().split('\n').pop() ?? '').split(' ').map(Number);
  await rm(timeFile, { force: true });
  await rm(outFile, { force: true });
  if (code !== 0) throw new Error(`${command} ${args.slice(0, 3).join(' ')} exited with ${code}: ${stdout.slice(0, 500)}`);
  return { stdout, wallMs, maxRssKb, cpuMs: (userS + systemS) * 1000 };
}

async function runNodeWorker(env: Env, contender: string, op: string, args: string[]): Promise<WorkerResult & { rssKb: number; cpuMs: number }> {
  const run = await timed(env.dataDir, process.execPath, [env.workerBundle, 'worker', contender, op, env.baseUrl, ...args]);
  const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as WorkerResult;
  return { ...result, rssKb: run.maxRssKb, cpuMs: run.cpuMs };
}

async function curlUpload(env: Env, file: string, size: number, chunkDir: string): Promise<{ ms: number; rssKb: number; cpuMs: number; id: string }> {
  const fileName = path.basename(file);
  const common = ['-sS', '--fail', '-H', `Authorization: ${env.authHeader}`, '-H', 'X-TFS-FedAuthRedirect: Suppress'];
  const startUrl = `${env.baseUrl}/${PROJECT}/_apis/wit/attachments?fileName=${fileName}&uploadType=Chunked&api-version=7.1`;
  const started = await timed(env.dataDir, 'curl', [...common, '-X', 'POST', '-H', 'Content-Type: application/octet-stream', '--data-binary', '', startUrl]);
  const { id } = JSON.parse(started.stdout) as { id: string };
  const chunks = (await readdir(chunkDir)).sort();
  const lines: string[] = [];
  let offset = 0;
  chunks.forEach((chunk, index) => {
    const length = Math.min(env.chunkSize, size - offset);
    if (index > 0) lines.push('next');
    lines.push(
      `url = "${env.baseUrl}/${PROJECT}/_apis/wit/attachments/${id}?fileName=${fileName}&uploadType=Chunked&api-version=7.1"`,
      `upload-file = "${path.join(chunkDir, chunk)}"`,
      `header = "Content-Range: bytes ${offset}-${offset + length - 1}/${size}"`,
      'header = "Content-Type: application/octet-stream"',
      `header = "Authorization: ${env.authHeader}"`,
      'header = "X-TFS-FedAuthRedirect: Suppress"',
      'header = "Expect:"',
      'silent',
      'show-error',
      'fail',
      'output = "/dev/null"',
    );
    offset += length;
  });
  const config = path.join(chunkDir, '..', `curl-${id}.cfg`);
  await writeFile(config, `${lines.join('\n')}\n`);
  const sent = await timed(env.dataDir, 'curl', ['-K', config]);
  await rm(config, { force: true });
  return { ms: started.wallMs + sent.wallMs, rssKb: Math.max(started.maxRssKb, sent.maxRssKb), cpuMs: started.cpuMs + sent.cpuMs, id };
}

async function curlDownload(env: Env, id: string, dest: string): Promise<{ ms: number; rssKb: number; cpuMs: number }> {
  const url = `${env.baseUrl}/${PROJECT}/_apis/wit/attachments/${id}?fileName=${path.basename(dest)}&download=true&api-version=7.1`;
  const run = await timed(env.dataDir, 'curl', ['-sS', '--fail', '-H', `Authorization: ${env.authHeader}`, '-H', 'X-TFS-FedAuthRedirect: Suppress', '-o', dest, url]);
  return { ms: run.wallMs, rssKb: run.maxRssKb, cpuMs: run.cpuMs };
}

/**
 * The same work as our download, done by standard tools one after the other: curl, then sha256sum
 * and an fsync of the file (coreutils `sync FILE`). Ours does the three while the bytes stream.
 */
async function sameWorkDownload(env: Env, id: string, dest: string): Promise<{ ms: number; rssKb: number; cpuMs: number }> {
  const url = `${env.baseUrl}/${PROJECT}/_apis/wit/attachments/${id}?fileName=${path.basename(dest)}&download=true&api-version=7.1`;
  const script = 'curl -sS --fail -H "Authorization: $3" -H "X-TFS-FedAuthRedirect: Suppress" -o "$1" "$2" && sha256sum "$1" >/dev/null && sync "$1"';
  const run = await timed(env.dataDir, 'sh', ['-c', script, 'sh', dest, url, env.authHeader]);
  return { ms: run.wallMs, rssKb: run.maxRssKb, cpuMs: run.cpuMs };
}

async function makeFile(file: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  for (let written = 0; written < size; ) {
    const block = randomBytes(Math.min(4 * MiB, size - written));
    hash.update(block);
    if (!out.write(block)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    written += block.length;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return hash.digest('hex');
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file, { highWaterMark: MiB }), hash);
  return hash.digest('hex');
}

async function splitFile(file: string, chunkSize: number, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const child = spawn('split', ['-b', String(chunkSize), '-d', '-a', '5', file, path.join(dir, 'c')], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`split exited with ${code}`))));
  });
}

async function emulatorAttachmentSha(env: Env, id: string): Promise<string | undefined> {
  const response = await fetch(`http://127.0.0.1:${new URL(env.baseUrl).port}/_emulator/state`);
  const state = (await response.json()) as { attachments?: { id: string; sha256?: string; size?: number }[] | Record<string, { sha256?: string }> };
  const list = Array.isArray(state.attachments) ? state.attachments : Object.entries(state.attachments ?? {}).map(([key, value]) => ({ id: key, ...value }));
  return list.find((a) => a.id.toLowerCase() === id.toLowerCase())?.sha256;
}

async function startEmulator(root: string, dataDir: string): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  const bundle = path.join(root, 'dist', 'emulator.js');
  await runInherit(process.execPath, [path.join(root, 'esbuild.mjs'), '--only', 'emulator'], root);
  const child = spawn(process.execPath, [bundle, '--port', '0', '--pat', PAT, '--max-attachment-size', String(2000 * MiB), '--data-dir', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (data: Buffer) => {
      seen += data.toString();
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before listening: ${seen}`)));
  });
  child.stdout.resume();
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { baseUrl, stop };
}

function runInherit(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

async function bundleWorker(root: string, outfile: string): Promise<void> {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(root, 'bench', 'transfer.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    // Loaded from node_modules as any user of the official client would.
    external: ['esbuild', 'azure-devops-node-api'],
    // Ours as shipped (esbuild.mjs): node-fetch's unused whatwg-url fallback left out.
    alias: { 'whatwg-url': path.join(root, 'scripts', 'shims', 'whatwg-url.cjs') },
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function measureSize(env: Env, sizeMb: number, repeat: number, record: (m: Measurement) => void): Promise<void> {
  const size = sizeMb * 1_000_000;
  const file = path.join(env.dataDir, `bench-${sizeMb}MB.bin`);
  const sha = await makeFile(file, size);
  const chunkDir = path.join(env.dataDir, `chunks-${sizeMb}`);
  await splitFile(file, env.chunkSize, chunkDir);
  const ids: Record<string, string> = {};

  const check = async (contender: string, id: string) => {
    const stored = await emulatorAttachmentSha(env, id);
    if (stored !== sha) throw new Error(`${contender}: the emulator stored a different file (sha ${stored ?? 'none'})`);
    ids[contender] = id;
  };
  for (let round = 0; round < repeat; round++) {
    const ours = await runNodeWorker(env, 'ours', 'upload-chunked', [file, String(env.chunkSize)]);
    if (ours.sha256 !== sha) throw new Error('ours: the hash computed while sending differs from the file hash');
    await check('ours', ours.id ?? '');
    record({ contender: 'ours (chunked)', op: 'upload', sizeMb, ms: ours.ms, rssMb: ours.rssKb / 1024, cpuMs: ours.cpuMs });

    const oursSimple = await runNodeWorker(env, 'ours', 'upload-simple', [file, '0']);
    await check('ours-simple', oursSimple.id ?? '');
    record({ contender: 'ours (simple)', op: 'upload', sizeMb, ms: oursSimple.ms, rssMb: oursSimple.rssKb / 1024, cpuMs: oursSimple.cpuMs });

    const curl = await curlUpload(env, file, size, chunkDir);
    await check('curl', curl.id);
    record({ contender: 'curl (chunked)', op: 'upload', sizeMb, ms: curl.ms, rssMb: curl.rssKb / 1024, cpuMs: curl.cpuMs });

    const official = await runNodeWorker(env, 'official', 'upload-simple', [file]);
    await check('official', official.id ?? '');
    record({ contender: 'official (simple)', op: 'upload', sizeMb, ms: official.ms, rssMb: official.rssKb / 1024, cpuMs: official.cpuMs });
  }
  await rm(chunkDir, { recursive: true, force: true });

  const id = ids.ours;
  for (let round = 0; round < repeat; round++) {
    const dest = (name: string) => path.join(env.dataDir, `down-${name}-${sizeMb}.bin`);
    const ours = await runNodeWorker(env, 'ours', 'download', [id, dest('ours')]);
    record({ contender: 'ours', op: 'download', sizeMb, ms: ours.ms, rssMb: ours.rssKb / 1024, cpuMs: ours.cpuMs });
    const curl = await curlDownload(env, id, dest('curl'));
    record({ contender: 'curl', op: 'download', sizeMb, ms: curl.ms, rssMb: curl.rssKb / 1024, cpuMs: curl.cpuMs });
    const official = await runNodeWorker(env, 'official', 'download', [id, dest('official')]);
    record({ contender: 'official', op: 'download', sizeMb, ms: official.ms, rssMb: official.rssKb / 1024, cpuMs: official.cpuMs });
    const same = await sameWorkDownload(env, id, dest('same'));
    record({ contender: 'same work (curl+hash+fsync)', op: 'download', sizeMb, ms: same.ms, rssMb: same.rssKb / 1024, cpuMs: same.cpuMs });
    for (const name of ['ours', 'curl', 'official', 'same']) {
      if ((await fileSha256(dest(name))) !== sha) throw new Error(`${name}: downloaded bytes differ`);
      await rm(dest(name), { force: true });
    }
  }
  await rm(file, { force: true });
}

function report(measurements: Measurement[], repeat: number, chunkSize: number): void {
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const key = `${m.op}|${m.sizeMb}|${m.contender}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  const rows = [...groups.entries()].map(([key, list]) => {
    const [op, sizeMb, contender] = key.split('|');
    return { op, sizeMb: Number(sizeMb), contender, ms: median(list.map((m) => m.ms)), rssMb: Math.max(...list.map((m) => m.rssMb)), cpuMs: median(list.map((m) => m.cpuMs)) };
  });
  const find = (op: string, sizeMb: number, prefix: string) => rows.find((r) => r.op === op && r.sizeMb === sizeMb && r.contender.startsWith(prefix));
  console.log(`\nTransfer benchmark: median of ${repeat} run(s), chunk size ${chunkSize / MiB} MiB, peak RSS = max over runs, CPU = user+sys of the process\n`);
  console.log(['op', 'size', 'contender', 'wall ms', 'MB/s', 'peak RSS MiB', 'CPU ms', 'vs curl', 'vs official', 'vs same work'].map((h, i) => (i < 3 ? h.padEnd(i === 2 ? 30 : 10) : h.padStart(13))).join(''));
  for (const row of rows) {
    const curl = find(row.op, row.sizeMb, 'curl');
    const official = find(row.op, row.sizeMb, 'official');
    const same = find(row.op, row.sizeMb, 'same work');
    const ratio = (base: typeof row | undefined) => (base && row.contender.startsWith('ours') ? `${(row.ms / base.ms).toFixed(2)}x` : '');
    console.log(
      [row.op, `${row.sizeMb} MB`, row.contender].map((c, i) => c.padEnd(i === 2 ? 30 : 10)).join('') +
        [row.ms.toFixed(0), (row.sizeMb / (row.ms / 1000)).toFixed(0), row.rssMb.toFixed(1), row.cpuMs.toFixed(0), ratio(curl), ratio(official), ratio(same)].map((c) => c.padStart(13)).join(''),
    );
  }
  console.log('\nTargets: ours <= 1.10x curl and <= 0.90x official; our peak RSS flat in file size and <= 100 MB (= 95.4 MiB).');
  console.log('"same work" downloads like ours does: the bytes, their SHA-256, and an fsync before the file counts as there (curl alone does neither).');
}

async function orchestrate(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const sizes = (process.env.BENCH_SIZES_MB ?? '50,500').split(',').map(Number);
  const repeat = Number(process.env.BENCH_REPEAT ?? 3);
  const { DEFAULT_SETTINGS } = await import('../src/core/settings');
  const chunkSize = Number(process.env.BENCH_CHUNK_SIZE ?? DEFAULT_SETTINGS.chunkSize);
  const dataDir = path.join(root, 'bench', '.data', `run-${process.pid}`);
  await mkdir(dataDir, { recursive: true });
  const workerBundle = path.join(dataDir, 'transfer-worker.cjs');
  let stopEmulator: (() => Promise<void>) | undefined;
  try {
    await bundleWorker(root, workerBundle);
    const emulator = await startEmulator(root, path.join(dataDir, 'emulator'));
    stopEmulator = emulator.stop;
    const env: Env = { root, dataDir, workerBundle, baseUrl: emulator.baseUrl, chunkSize, authHeader: `Basic ${Buffer.from(`:${PAT}`).toString('base64')}` };
    const measurements: Measurement[] = [];
    for (const sizeMb of sizes) {
      console.log(`measuring ${sizeMb} MB ...`);
      await measureSize(env, sizeMb, repeat, (m) => measurements.push(m));
    }
    report(measurements, repeat, chunkSize);
  } finally {
    await stopEmulator?.();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
const main = argv[0] === 'worker' ? runWorker(argv.slice(1)) : orchestrate();
main.catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
