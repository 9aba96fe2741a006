// Inbound change detection benchmark: 2,000 tracked work items, 20 of them changed by a colleague
// (one new attachment each). Measures, in one run against the emulator (in-process, loopback HTTP):
//   - our poll sync (reporting revisions from the stored continuation token, then workitemsbatch
//     for the changed items, then the 20 downloads), and our forced full sync (workitemsbatch of
//     all 2,000 in calls of 200);
//   - the reference: a naive loop that GETs every tracked work item with its relations.
// Requests come from the emulator's own statistics (admin routes excluded), wall time from here.
//
//   npm run bench:inbound          (BENCH_ITEMS=500 BENCH_CHANGED=5 for a quick run)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAdoClient, PatAuth } from '../src/core/ado';
import { DEFAULT_SETTINGS } from '../src/core/settings';
import { openStore } from '../src/core/store';
import { createSyncEngine } from '../src/core/sync/syncEngine';
import { startEmulator } from '../test/emulator/index';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 2000);
const CHANGED = Number(process.env.BENCH_CHANGED ?? 20);
const PAT = 'bench-pat';

interface Stats { totalRequests: number; routes: Record<string, { count: number }> }

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bench-inbound-'));
  const emulator = await startEmulator({ port: 0, pats: [PAT], seed: 'empty', workItems: ITEMS, dataDir: path.join(root, 'emulator') });
  const admin = (p: string, init?: RequestInit) => fetch(`http://127.0.0.1:${emulator.port}${p}`, init);
  const byRoute = async (): Promise<Map<string, number>> => {
    const s = (await (await admin('/_emulator/stats')).json()) as Stats;
    return new Map(Object.entries(s.routes).filter(([route]) => !route.includes('_emulator')).map(([route, r]) => [route, r.count]));
  };
  const client = createAdoClient({ orgUrl: emulator.baseUrl, project: 'Demo', auth: new PatAuth(PAT), requestsPerMinute: 1_000_000 });
  const store = await openStore({ path: path.join(root, 'state.sqlite') });
  const engine = createSyncEngine({ client, store, workspaceRoot: path.join(root, 'ws'), settings: { ...DEFAULT_SETTINGS, orgUrl: emulator.baseUrl, project: 'Demo' } });
  try {
    const ids = Array.from({ length: ITEMS }, (_, i) => i + 1);
    await engine.track(ids);
    await engine.poll(); // first poll: everything, and the feed position

    const changed = ids.filter((_, i) => i % Math.floor(ITEMS / CHANGED) === 0).slice(0, CHANGED);
    for (const id of changed) {
      await admin(`/_emulator/work-items/${id}/attachments?fileName=note-${id}.txt`, { method: 'POST', body: `changed ${id}` });
    }

    const measure = async (label: string, run: () => Promise<number>) => {
      const before = await byRoute();
      const t0 = performance.now();
      const downloaded = await run();
      const ms = performance.now() - t0;
      const after = await byRoute();
      const routes = [...after].map(([route, n]) => [route, n - (before.get(route) ?? 0)] as const).filter(([, n]) => n > 0);
      return { label, requests: routes.reduce((a, [, n]) => a + n, 0), ms, downloaded, routes };
    };
    const ours = await measure('ours: poll (revisions feed + batch of changed)', async () => (await engine.poll())?.counters.downloaded ?? 0);
    const naive = await measure('reference: naive GET per tracked item', async () => {
      let seen = 0;
      for (const id of ids) {
        const item = await client.getWorkItem(id, { expand: 'relations' });
        seen += (item.relations ?? []).filter((r) => r.rel === 'AttachedFile').length > 0 ? 1 : 0;
      }
      return seen;
    });
    const full = await measure('ours: forced full sync, nothing new (batch x200)', async () => (await engine.sync({ trigger: 'manual' })).counters.downloaded);

    console.log(`inbound: ${ITEMS} tracked work items, ${CHANGED} changed (one new attachment each)`);
    console.log(`${'contender'.padEnd(48)} ${'requests'.padStart(9)} ${'wall ms'.padStart(9)} ${'found'.padStart(6)}`);
    for (const r of [ours, naive, full]) {
      console.log(`${r.label.padEnd(48)} ${String(r.requests).padStart(9)} ${r.ms.toFixed(0).padStart(9)} ${String(r.downloaded).padStart(6)}`);
    }
    console.log(`ours (poll) by route: ${ours.routes.map(([route, n]) => `${route} x${n}`).join(', ')}`);
    console.log(`ratio ours/naive: requests ${(ours.requests / naive.requests).toFixed(4)}, wall time ${(ours.ms / naive.ms).toFixed(3)} (naive found items with attachments, it downloaded nothing)`);
  } finally {
    await engine.close();
    store.close();
    await emulator.close();
    rmSync(root, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
