/**
 * 100 small files attached to one work item: `npx tsx bench/attachMany.ts` (`--files N`).
 * Contenders, in one run against one emulator (loopback HTTP): ours (engine.attach: uploads, then
 * one JSON-Patch for all links) and a loop of the official azure-devops-node-api client (upload,
 * then link, per file). Requests are counted by the emulator; the floor is N uploads + 1 PATCH.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as azdev from 'azure-devops-node-api';
import { Operation } from 'azure-devops-node-api/interfaces/common/VSSInterfaces';
import { createAdoClient, PatAuth } from '../src/core/ado';
import { DEFAULT_SETTINGS } from '../src/core/settings';
import { openStore } from '../src/core/store';
import { createSyncEngine } from '../src/core/sync/syncEngine';
import { startEmulator } from '../test/emulator/index';

const PAT = 'bench-pat';
const count = Number(process.argv[process.argv.indexOf('--files') + 1]) || 100;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attach-many-'));
  const ado = await startEmulator({ port: 0, pats: [PAT], seed: 'demo', dataDir: path.join(dir, 'emulator') });
  const files = (who: string) => Array.from({ length: count }, (_, i) => {
    const p = path.join(dir, who, `evidence-${i}.txt`);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, `${who} evidence ${i} ${'x'.repeat(200 + i)}\n`);
    return p;
  });
  const rows: { contender: string; requests: number; patches: number; ms: number; revisions: number }[] = [];
  const measure = async (contender: string, workItemId: number, body: () => Promise<void>) => {
    const before = { requests: ado.state.stats.totalRequests, patches: patchCount(), rev: ado.state.workItems.get(workItemId)!.rev };
    const t0 = performance.now();
    await body();
    rows.push({ contender, ms: performance.now() - t0, requests: ado.state.stats.totalRequests - before.requests, patches: patchCount() - before.patches,
      revisions: ado.state.workItems.get(workItemId)!.rev - before.rev });
  };
  const patchCount = () => Object.entries(ado.state.stats.routes).filter(([k]) => k.startsWith('PATCH ')).reduce((n, [, v]) => n + v.count, 0);

  const store = await openStore({ path: path.join(dir, 'state.sqlite') });
  const client = createAdoClient({ orgUrl: ado.baseUrl, project: 'Demo', auth: new PatAuth(PAT), apiVersion: '7.1', requestsPerMinute: 60_000 });
  const engine = createSyncEngine({ client, store, workspaceRoot: dir, settings: { ...DEFAULT_SETTINGS, orgUrl: ado.baseUrl, project: 'Demo' } });
  // Fresh work items: ADO allows 100 attachments per item, and the demo's items have some already.
  const mine = (await client.createWorkItem({ type: 'Task', fields: { 'System.Title': 'attach bench (ours)' } })).id;
  const official = (await client.createWorkItem({ type: 'Task', fields: { 'System.Title': 'attach bench (official)' } })).id;
  await engine.track([mine]);
  const ours = files('ours');
  await measure('ours: attach (uploads + one PATCH)', mine, async () => {
    const run = await engine.attach({ files: ours, workItemId: mine });
    if (run.counters.uploaded !== count) throw new Error(`ours uploaded ${run.counters.uploaded}`);
  });
  await engine.close();
  store.close();

  const connection = new azdev.WebApi(ado.baseUrl, azdev.getPersonalAccessTokenHandler(PAT));
  const wit = await connection.getWorkItemTrackingApi();
  const theirs = files('official');
  await measure('official client: upload + link per file', official, async () => {
    for (const file of theirs) {
      const reference = await wit.createAttachment(null, fs.createReadStream(file), path.basename(file), undefined, 'Demo');
      await wit.updateWorkItem(null, [{ op: Operation.Add, path: '/relations/-', value: { rel: 'AttachedFile', url: reference.url, attributes: { comment: 'bench' } } }], official);
    }
  });
  await ado.close();
  fs.rmSync(dir, { recursive: true, force: true });

  console.log(`${count} small files to one work item (floor: ${count} uploads + 1 PATCH = ${count + 1} requests)`);
  console.log(`${'contender'.padEnd(44)}${'requests'.padStart(10)}${'PATCHes'.padStart(9)}${'revisions'.padStart(11)}${'wall ms'.padStart(10)}`);
  for (const r of rows) console.log(`${r.contender.padEnd(44)}${String(r.requests).padStart(10)}${String(r.patches).padStart(9)}${String(r.revisions).padStart(11)}${r.ms.toFixed(0).padStart(10)}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
