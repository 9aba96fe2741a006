/**
 * Team server throughput: `npm run build && npx tsx bench/teamServer.ts` (`--files N`, default 200).
 * N files go through the HTTP API (POST /api/sync/upload, 6 at once, spread over the servers) of
 * 1 and of 3 `ado-sync serve` processes (dist/cli.js) sharing one PostgreSQL, beside the reference
 * measured in the same run: 1 serve process on the embedded sql.js file. One emulator per row,
 * loopback HTTP, no faults; every file is checked linked. Each process has its own client-side
 * budget (ATTACHMENT_SYNC_RATE_LIMIT_RPM, 500 by default): the rows at the default show what a
 * deployment gets, the unthrottled rows what the processes themselves can do. Requests to Azure
 * DevOps per file are counted beside the floor (upload + link: 2).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { postgresBinDir, startPostgres } from '../test/support/postgres';
import { CLI, cli, startServe, uploadAnywhere, type Server, type Upload } from '../test/server/teamServers';
import { serveFixture } from '../test/webhook/support';

const count = Number(process.argv[process.argv.indexOf('--files') + 1]) || 200;
const CONCURRENCY = 6;

interface Row { label: string; files: number; seconds: number; perSecond: number; requestsPerFile: number; routes: string }

async function measure(label: string, workers: number, databaseUrl: string | undefined, rpm?: number): Promise<Row> {
  const f = await serveFixture({ ...(databaseUrl ? { ADO_SYNC_DATABASE_URL: databaseUrl } : {}), ...(rpm ? { ATTACHMENT_SYNC_RATE_LIMIT_RPM: String(rpm) } : {}) });
  const servers: Server[] = [];
  try {
    const ids = [...f.ado.state.workItems.keys()].slice(0, 8);
    const { token } = JSON.parse(await cli(f, ['token', 'create', '--name', 'bench', '--json'])) as { token: string };
    await cli(f, ['track', ...ids.map(String)]);
    for (let i = 0; i < workers; i++) servers.push(await startServe(f));
    const uploads: Upload[] = Array.from({ length: count }, (_, i) => ({ name: `bench-${i}.bin`, workItemId: ids[i % ids.length], bytes: randomBytes(16 * 1024) }));
    let next = 0;
    const requestsBefore = f.ado.state.stats.totalRequests;
    const routesBefore = Object.fromEntries(Object.entries(f.ado.state.stats.routes).map(([route, r]) => [route, r.count]));
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async (_, w) => {
      while (next < uploads.length) await uploadAnywhere(servers, token, uploads[next++], w);
    }));
    const seconds = (performance.now() - t0) / 1000;
    const linked = ids.reduce((n, id) => n + (f.ado.state.workItems.get(id)?.relations.filter((r) => r.rel === 'AttachedFile' && r.attributes?.name?.toString().startsWith('bench-')).length ?? 0), 0);
    if (linked < count) throw new Error(`${label}: ${linked} of ${count} files linked`);
    const routes = Object.entries(f.ado.state.stats.routes).map(([route, r]) => [route, (r.count - (routesBefore[route] ?? 0)) / count] as const)
      .filter(([, n]) => n >= 0.01).sort((a, b) => b[1] - a[1]).map(([route, n]) => `${route} ${n.toFixed(2)}`).join(', ');
    return { label, files: count, seconds, perSecond: count / seconds, requestsPerFile: (f.ado.state.stats.totalRequests - requestsBefore) / count, routes };
  } finally {
    for (const s of servers) s.proc.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await f.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run "npm run build" first');
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql, or set PG_BIN)');
  const pg = await startPostgres(bin);
  try {
    const unthrottled = 100_000;
    const rows = [
      await measure('1 serve, sql.js (reference)', 1, undefined),
      await measure('1 serve, PostgreSQL', 1, await pg.createDatabase('bench_one')),
      await measure('3 serve, PostgreSQL', 3, await pg.createDatabase('bench_three')),
      await measure('1 serve, PostgreSQL, unthrottled', 1, await pg.createDatabase('bench_one_free'), unthrottled),
      await measure('3 serve, PostgreSQL, unthrottled', 3, await pg.createDatabase('bench_three_free'), unthrottled),
    ];
    console.log(`${count} files of 16 KiB through POST /api/sync/upload, ${CONCURRENCY} at once; ADO requests per file (floor 2)`);
    for (const r of rows) {
      console.log(`${r.label.padEnd(34)} ${r.seconds.toFixed(1).padStart(6)} s  ${r.perSecond.toFixed(1).padStart(6)} files/s  ${r.requestsPerFile.toFixed(2).padStart(5)} req/file`);
    }
    console.log(`requests per file by route (${rows[0].label}): ${rows[0].routes}`);
  } finally {
    await pg.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
