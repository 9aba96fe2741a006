// Idle cost per poll of the VS Code extension, at 10 and at 2,000 tracked work items, against the
// emulator (in-process, loopback HTTP): requests and response bytes from the emulator's own
// statistics (its admin routes excluded), wall time from here. Measured in one run:
//   - the engine's poll when nothing changed (no run is recorded: the tree did not refresh after
//     it before this change either), and a poll that brings one colleague's attachment;
//   - the Work Items tree after that second poll: before (a whole refresh: each group's
//     workitemsbatch with relations for the 200 rows it shows, and the Assigned to Me WIQL), and
//     now (only the work items the run reported outcomes for), with the client calls
//     GroupNode/WorkItemsTree make (the tree itself needs a VS Code, which a bench here has not);
//   - the tree's first render (the same reads as the whole refresh);
//   - the Explorer badges' reload from the sql.js store (no requests; it runs on the extension
//     host's thread): a query per tracked work item before, one query now.
// The extension host's CPU is not measured here (no VS Code in a bench).
//
//   npm run bench:tree          (BENCH_SIZES=10,500 for a quick run)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAdoClient, PatAuth, type AdoClient } from '../src/core/ado';
import { DEFAULT_SETTINGS } from '../src/core/settings';
import { openStore } from '../src/core/store';
import { createSyncEngine } from '../src/core/sync/syncEngine';
import { ASSIGNED_TO_ME_WIQL, PAGE_SIZE } from '../src/vscode/tree/groupSpec';
import { startEmulator } from '../test/emulator/index';

const SIZES = (process.env.BENCH_SIZES ?? '10,2000').split(',').map(Number);
const PAT = 'bench-pat';

interface RouteStats { count: number; bytesOut: number }
interface Stats { routes: Record<string, RouteStats> }
interface Cost { requests: number; bytes: number; ms: number }

/** The reads of the tree's whole refresh (and first render): Tracked's first page, Assigned to Me's. */
async function treeRefresh(client: AdoClient, tracked: readonly number[]): Promise<void> {
  await client.getWorkItems(tracked.slice(0, PAGE_SIZE), { expand: 'relations', errorPolicy: 'omit' });
  const assigned = (await client.queryWorkItemIds(ASSIGNED_TO_ME_WIQL)).ids;
  if (assigned.length > 0) await client.getWorkItems(assigned.slice(0, PAGE_SIZE), { expand: 'relations', errorPolicy: 'omit' });
}

async function measureSize(items: number): Promise<Record<string, Cost>> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bench-tree-'));
  const emulator = await startEmulator({ port: 0, pats: [PAT], seed: 'empty', workItems: items, dataDir: path.join(root, 'emulator') });
  const totals = async (): Promise<{ requests: number; bytes: number }> => {
    const stats = (await (await fetch(`http://127.0.0.1:${emulator.port}/_emulator/stats`)).json()) as Stats;
    const api = Object.entries(stats.routes).filter(([route]) => !route.includes('_emulator')).map(([, r]) => r);
    return { requests: api.reduce((a, r) => a + r.count, 0), bytes: api.reduce((a, r) => a + r.bytesOut, 0) };
  };
  const measure = async (run: () => Promise<unknown>): Promise<Cost> => {
    const before = await totals();
    const t0 = performance.now();
    await run();
    const ms = performance.now() - t0;
    const after = await totals();
    return { requests: after.requests - before.requests, bytes: after.bytes - before.bytes, ms };
  };
  const client = createAdoClient({ orgUrl: emulator.baseUrl, project: 'Demo', auth: new PatAuth(PAT), requestsPerMinute: 1_000_000 });
  const store = await openStore({ path: path.join(root, 'state.sqlite') });
  const engine = createSyncEngine({ client, store, workspaceRoot: path.join(root, 'ws'), settings: { ...DEFAULT_SETTINGS, orgUrl: emulator.baseUrl, project: 'Demo' } });
  try {
    const ids = Array.from({ length: items }, (_, i) => i + 1);
    await engine.track(ids);
    await engine.poll(); // the first poll takes everything and the feed position
    const firstRender = await measure(() => treeRefresh(client, ids));
    // An idle poll: no run is recorded (runFinished has runId -1), which the tree ignored before too.
    const idlePoll = await measure(() => engine.poll());
    // A poll that brings one colleague's attachment (on a work item the tree shows).
    await fetch(`http://127.0.0.1:${emulator.port}/_emulator/work-items/1/attachments?fileName=colleague.txt`, { method: 'POST', body: 'from a colleague' });
    let outcomes: number[] = [];
    const changedPoll = await measure(async () => { outcomes = [...new Set((await engine.poll())?.items.map((i) => i.workItemId) ?? [])]; });
    const treeBefore = await measure(() => treeRefresh(client, ids));
    const shown = new Set(ids.slice(0, PAGE_SIZE));
    const reread = outcomes.filter((id) => shown.has(id));
    const treeNow = await measure(async () => { if (reread.length > 0) await client.getWorkItems(reread, { expand: 'relations', errorPolicy: 'omit' }); });
    let perItem = 0;
    let oneQuery = 0;
    const badgesBefore = await measure(async () => { perItem = store.trackedItems.list().flatMap((item) => store.attachments.forWorkItem(item.workItemId)).length; });
    const badgesNow = await measure(async () => { oneQuery = store.attachments.ofTrackedItems().length; });
    if (perItem !== oneQuery) throw new Error(`the badge reloads disagree: ${perItem} and ${oneQuery} records`);
    return {
      'engine poll, nothing changed': idlePoll,
      'engine poll, 1 work item changed': changedPoll,
      'tree after it, before (whole refresh)': treeBefore,
      'tree after it, now (that item only)': treeNow,
      'tree first render': firstRender,
      [`badges reload, before (${items} queries, ${perItem} records)`]: badgesBefore,
      'badges reload, now (one query)': badgesNow,
    };
  } finally {
    await engine.close();
    store.close();
    await emulator.close();
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log('Idle cost per poll and the tree\'s first render (emulator, loopback; bytes = response bytes)');
  for (const size of SIZES) {
    const costs = await measureSize(size);
    console.log(`\n${size} tracked work items`);
    for (const [label, c] of Object.entries(costs)) {
      console.log(`  ${label.padEnd(52)} ${String(c.requests).padStart(4)} requests ${(c.bytes / 1024).toFixed(1).padStart(9)} KB ${c.ms.toFixed(0).padStart(6)} ms`);
    }
  }
}

void main().catch((error: unknown) => { console.error(error); process.exit(1); });
