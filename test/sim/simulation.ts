// Trinity for the sync engine: several clients (each its own store, mirror and PAT) and a colleague
// (who attaches through the emulator's admin route and removes through the REST API with its own
// PAT), on one emulator over loopback, driven by a seeded random schedule of
// local adds, edits, deletes and renames, remote adds (with no marker, an honest or a forged one) and
// removals, syncs under injected faults and delays, and crashes (an engine abandoned mid-run, or the
// real CLI killed with SIGKILL). Then faults off, every client syncs until quiet, and the invariants
// are checked across all mirrors and ADO. Only the SyncEngine API is used (track, attach, sync,
// close, recoverInterrupted), so the harness runs unchanged on a new core (it did, from the old
// engine to the reconciliation coordinator).
import * as fs from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import type { ConflictPolicy } from '../../src/core/settings';
import type { RunSummary } from '../../src/core/sync/engineApi';
import { markerOf } from '../../src/core/sync/contentMarker';
import { startEmulator, type FaultRule, type RunningEmulator } from '../emulator/index';
import { adminUrl } from '../emulator-tests/client';
import { mulberry32 } from '../support/prng';
import { sha256 } from '../sync/support';
import { CLI_PATH, isTempName, SimClient } from './simClient';

export interface SimOptions {
  seed: number;
  clients?: number;
  workItems?: number;
  steps?: number;
  /** Share of runs whose crashes include a real CLI process killed with SIGKILL (needs dist/cli.js). */
  cliCrashShare?: number;
  /** Colleagues' markers that name other content (default on). */
  forgedMarkers?: boolean;
  /** File names beyond ASCII (default off, see WIDE_NAMES). */
  wideNames?: boolean;
}

export interface SimResult {
  seed: number;
  clients: number;
  violations: string[];
  trace: string[];
  steps: number;
  /** Engines abandoned mid-run, and CLI processes killed with SIGKILL. */
  crashes: { engine: number; cli: number };
}

const NAMES = ['report.txt', 'Report.txt', 'report:v1.txt', 'report?v1.txt', 'notes.md', 'data.bin', 'a b.txt', 'CON.txt'];
/** Names beyond ASCII: the emulator answers their download with a 500 (finding E1), so they are opt-in until it is fixed. */
const WIDE_NAMES = ['caf\u00e9.txt', 'cafe\u0301.txt', '\u62a5\u544a.txt'];
const COLLEAGUE = 'colleague-pat';
const FINAL_ROUNDS = 6;
/** A step (a sync, an attach, a crash) that takes longer than this is a hang: the run stops there. */
const STEP_TIMEOUT_MS = Number(process.env.SIM_STEP_TIMEOUT_MS ?? 60_000);

class HangError extends Error {}

/** Resolves as the promise does, or throws HangError after STEP_TIMEOUT_MS. */
async function watchdog<T>(what: string, task: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HangError(`hang: ${what} did not finish within ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([task, hang]);
  } finally {
    clearTimeout(timer);
  }
}

export function replayCommand(o: SimOptions): string {
  const flags = `${o.forgedMarkers === false ? ' --no-forged' : ''}${o.wideNames ? ' --wide-names' : ''}${o.steps ? ` --steps ${o.steps}` : ''}`;
  return `npm run test:soak -- --suite sim --seed ${o.seed} --runs 1 --clients ${o.clients ?? 3}${flags}`;
}

export async function runSimulation(o: SimOptions): Promise<SimResult> {
  const random = mulberry32(o.seed);
  const names = o.wideNames ? [...NAMES, ...WIDE_NAMES] : NAMES;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const chance = (p: number) => random() < p;
  const clientCount = o.clients ?? 3;
  const workItemIds = Array.from({ length: o.workItems ?? 2 }, (_, i) => i + 1);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `sim-${o.seed}-`));
  const trace: string[] = [];
  const violations: string[] = [];
  const pats = Array.from({ length: clientCount }, (_, i) => `client-${i}-pat`);
  // PAT i acts as user i; the colleague is the emulator's user 1 in the admin route and its own PAT here.
  const emulator = await startEmulator({ port: 0, pats: [pats[0], COLLEAGUE, ...pats.slice(1)], seed: 'empty', workItems: workItemIds.length, dataDir: path.join(root, 'emulator') });
  addUsers(emulator, clientCount + 1);
  const policies: ConflictPolicy[] = ['keepBoth', 'preferRemote', 'keepBoth', 'preferLocal'];
  const clients = pats.map((pat, i) => new SimClient(String.fromCharCode(65 + i), path.join(root, `client-${i}`), pat, i === 0 ? 0 : i + 1, i === 0 ? 'keepBoth' : pick(policies), emulator));
  // The draws do not depend on dist/cli.js being there: a seed plays the same schedule either way
  // (without the CLI, its crashes are engine crashes).
  const wantsCli = random() < (o.cliCrashShare ?? 0.25);
  const withCli = wantsCli && fs.existsSync(CLI_PATH);
  const contents = Array.from({ length: 8 }, (_, i) => contentBytes(o.seed, i, chance(0.08)));
  let faultsOn = false;
  let hung = false;
  /** A sync never takes a content out of a mirror folder (it may move it to another name). */
  const checkNothingLost = (c: SimClient, before: Map<string, string>, what: string) => {
    const after = mirrorContents(c, workItemIds);
    for (const [content, where] of before) if (!after.has(content)) violations.push(`content-lost: ${what} removed ${content.slice(0, 8)} from the mirror (was ${where})`);
  };
  const crashes = { engine: 0, cli: 0 };
  /** Colleague removals per work item: two or more on one item may rightly trip the max-delete brake. */
  const removals = new Map<number, number>();
  /** Contents a client's user deleted or overwrote in a mirror folder: their absence there is the user's doing. */
  const userRemoved = new Set<string>();
  const forget = (c: SimClient, wi: number, file: string) => userRemoved.add(`${c.name}/${wi}/${sha256(fs.readFileSync(file))}`);
  try {
    for (const c of clients) {
      await c.open();
      await c.engine.track(workItemIds);
    }
    const steps = o.steps ?? 24;
    for (let step = 0; step < steps; step++) {
      const c = pick(clients);
      const wi = pick(workItemIds);
      const roll = random();
      const label = `${step} ${c.name} wi${wi}`;
      if (roll < 0.16) {
        const name = pick(names);
        const content = pick(contents);
        fs.mkdirSync(c.mirrorDir(wi), { recursive: true });
        trace.push(`${label} add ${JSON.stringify(name)} ${short(content)}`);
        if (fs.existsSync(path.join(c.mirrorDir(wi), name))) forget(c, wi, path.join(c.mirrorDir(wi), name));
        fs.writeFileSync(path.join(c.mirrorDir(wi), name), content);
      } else if (roll < 0.24) {
        const file = pickFile(c, wi, pick);
        if (file) {
          const content = pick(contents);
          trace.push(`${label} edit ${JSON.stringify(path.basename(file))} ${short(content)}`);
          forget(c, wi, file);
          fs.writeFileSync(file, content);
        }
      } else if (roll < 0.29) {
        const file = pickFile(c, wi, pick);
        if (file) {
          trace.push(`${label} delete ${JSON.stringify(path.basename(file))}`);
          forget(c, wi, file);
          fs.rmSync(file);
        }
      } else if (roll < 0.33) {
        const file = pickFile(c, wi, pick);
        const to = path.join(c.mirrorDir(wi), pick(names));
        if (file && !fs.existsSync(to)) {
          trace.push(`${label} rename ${JSON.stringify(path.basename(file))} -> ${JSON.stringify(path.basename(to))}`);
          fs.renameSync(file, to);
        }
      } else if (roll < 0.36) {
        const name = pick(names);
        const content = pick(contents);
        const file = path.join(c.workspace, 'docs', name);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
        trace.push(`${label} attach docs/${JSON.stringify(name)} ${short(content)}`);
        await watchdog(`${label} attach`, c.engine.attach({ files: [file], workItemId: wi }).catch((e: Error) => { trace.push(`  attach threw ${e.message}`); }));
      } else if (roll < 0.48) {
        const name = pick(names);
        const content = pick(contents);
        const marker = pick(o.forgedMarkers === false ? ['none', 'none', 'honest'] as const : ['none', 'none', 'honest', 'forged'] as const);
        const claim = marker === 'honest' ? sha256(content) : marker === 'forged' ? sha256(pick(contents)) : undefined;
        trace.push(`${label} colleague adds ${JSON.stringify(name)} ${short(content)} marker ${marker}`);
        await colleagueAttaches(emulator, wi, name, content, claim);
      } else if (roll < 0.53) {
        const rels = attachedFiles(emulator, wi);
        if (rels.length > 0) {
          const index = Math.floor(random() * rels.length);
          trace.push(`${label} colleague removes ${JSON.stringify(rels[index].attributes.name)}`);
          removals.set(wi, (removals.get(wi) ?? 0) + 1);
          await colleagueRemoves(emulator, wi, rels[index].url);
        }
      } else if (roll < 0.6) {
        faultsOn = !faultsOn;
        trace.push(`${label} faults ${faultsOn ? 'on' : 'off'}`);
        await setFaults(emulator, faultsOn ? faultRules(random) : [], Math.floor(random() * 1e6));
      } else if (roll < 0.68) {
        const after = 2 + Math.floor(random() * 30);
        const before = mirrorContents(c, workItemIds);
        if (wantsCli && chance(0.4) && withCli) {
          trace.push(`${label} CLI sync killed (SIGKILL) after ${after} requests`);
          await watchdog(`${label} CLI crash`, c.cliKilledDuringSync(after));
          crashes.cli++;
        } else {
          trace.push(`${label} engine abandoned after ${after} requests`);
          await watchdog(`${label} engine crash`, c.crashDuringSync(after));
          crashes.engine++;
          if (c.unsettledRuns > 0 && !trace.some((t) => t.includes('never settled'))) trace.push(`  the abandoned run never settled after its store closed (finding N1)`);
        }
        checkNothingLost(c, before, `the crashed sync of ${c.name} (step ${step})`);
      } else {
        trace.push(`${label} sync`);
        const before = mirrorContents(c, workItemIds);
        const run = await watchdog(`${label} sync`, c.sync());
        trace.push(`  ${describeRun(run)}`);
        checkNothingLost(c, before, `sync of ${c.name} (step ${step})`);
      }
    }
    await setFaults(emulator, [], 1);
    const braked = await settle(clients, trace, violations);
    for (const c of braked) {
      if ([...removals.values()].some((n) => n > 1)) trace.push(`${c.name} stays braked (a work item lost ${Math.max(...removals.values())} relations): its mirror is not checked`);
      else violations.push(`brake-on-single-removals: ${c.name}'s syncs stop at the max-delete brake though no work item lost more than one relation (${JSON.stringify([...removals])})`);
    }
    checkEnd(emulator, clients.filter((c) => !braked.includes(c)), workItemIds, userRemoved, violations);
    return { seed: o.seed, clients: clientCount, violations, trace, steps, crashes };
  } catch (error) {
    if (!(error instanceof HangError)) throw error;
    violations.push(error.message);
    hung = true;
    return { seed: o.seed, clients: clientCount, violations, trace, steps: o.steps ?? 24, crashes };
  } finally {
    // A hung engine is left as it is (closing it would wait for the hang too).
    for (const c of clients) if (!hung) await c.close().catch(() => undefined);
    await emulator.close();
    // SIM_KEEP=1 leaves the workspaces, stores and emulator data for a look after a failure.
    if (process.env.SIM_KEEP) trace.push(`kept: ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Faults off: every client syncs, round after round, until a whole round changed nothing anywhere. */
/**
 * Faults off: every client syncs, round after round, until a whole round changed nothing anywhere.
 * Returns the clients whose syncs stop at the max-delete brake (they wait for the user).
 */
async function settle(clients: SimClient[], trace: string[], violations: string[]): Promise<SimClient[]> {
  const braked = new Set<SimClient>();
  for (let round = 0; round < FINAL_ROUNDS; round++) {
    let quiet = true;
    for (const c of clients) {
      const run = await watchdog(`final ${round} ${c.name} sync`, c.sync());
      const moved = run.counters.uploaded + run.counters.linked + run.counters.downloaded + run.counters.conflicts + run.counters.remoteRemoved + run.counters.removed;
      trace.push(`final ${round} ${c.name}: ${describeRun(run)}`);
      if (isBrake(run)) braked.add(c);
      else braked.delete(c);
      if (moved > 0 || (run.status !== 'completed' && !isBrake(run))) quiet = false;
    }
    if (quiet) return [...braked];
  }
  violations.push(`no-quiet: the clients still change things after ${FINAL_ROUNDS} rounds of syncs without faults`);
  return [...braked];
}

/** The run (or one of its items) stopped at the max-delete brake: the old engine failed the run, the coordinator blocks the item. */
function isBrake(run: RunSummary): boolean {
  return [run.error, ...run.items.map((i) => i.error)].some((e) => e !== undefined
    && (/MaxDelete|brake/i.test(`${e.kind ?? ''} ${e.code ?? ''}`) || /would remove \d+ of \d+|max-delete|synced attachments are gone/i.test(e.message)));
}

function checkEnd(emulator: RunningEmulator, clients: SimClient[], workItemIds: number[], userRemoved: Set<string>, violations: string[]): void {
  const blobs = emulator.state.attachments;
  for (const wi of workItemIds) {
    const rels = attachedFiles(emulator, wi);
    const contentOf = (url: string) => blobs.get(url.split('/').pop() ?? '')?.sha256 ?? 'missing-blob';
    const linked = new Map<string, string[]>();
    for (const r of rels) {
      const content = contentOf(r.url);
      linked.set(content, [...(linked.get(content) ?? []), String(r.attributes.comment ?? '')]);
      if (isTempName(String(r.attributes.name ?? ''))) violations.push(`temp-file-uploaded: wi${wi} has a relation named ${JSON.stringify(r.attributes.name)}, an in-flight download`);
      const marker = markerOf(r.attributes.comment as string | undefined);
      if (marker && !isColleague(r.attributes.comment) && marker !== content) violations.push(`false-marker: wi${wi} relation ${JSON.stringify(r.attributes.name)} carries our marker ${marker.slice(0, 8)} but holds ${content.slice(0, 8)}`);
    }
    for (const [content, comments] of linked) {
      const ours = comments.filter((c) => !isColleague(c)).length;
      if (ours > 1) violations.push(`duplicate-relation: wi${wi} has ${content.slice(0, 8)} linked ${ours} times by our clients`);
      // A colleague attaching content a client linked before is the colleague's doing; the other way round is ours.
      else if (ours === 1 && comments.length > 1 && isColleague(comments[0])) violations.push(`duplicate-of-colleague: wi${wi} ${content.slice(0, 8)} linked by a client though a colleague's relation holds it`);
    }
    for (const c of clients) {
      const files = c.mirrorFiles(wi);
      const local = new Set(files.values());
      const rows = c.store.attachments.forWorkItem(wi, true);
      for (const content of linked.keys()) {
        if (local.has(content) || userRemoved.has(`${c.name}/${wi}/${content}`)) continue;
        const why = rows.some((r) => r.sha256 === content && (r.deletedAt !== null || r.syncStatus === 'CONFLICT' || (r.localPath !== null && fs.existsSync(r.localPath))));
        if (!why) violations.push(`remote-content-missing-locally: wi${wi} ${content.slice(0, 8)} is linked in ADO but not in ${c.name}'s mirror (records: ${JSON.stringify(rows.filter((r) => r.sha256 === content).map((r) => r.syncStatus))})`);
      }
      for (const [name, content] of files) {
        if (linked.has(content)) continue;
        const why = rows.some((r) => r.sha256 === content && (r.remoteRemovedAt !== null || r.syncStatus === 'FAILED' || r.deletedAt !== null || r.lastSyncedAt !== null));
        if (!why) violations.push(`local-content-not-linked: ${c.name}'s wi${wi}/${JSON.stringify(name)} (${content.slice(0, 8)}) is linked nowhere`);
      }
    }
  }
  checkCounters(emulator, clients, violations);
}

/** What each client's history says it linked equals the relations its user added in ADO (at most, when a crash lost history). */
function checkCounters(emulator: RunningEmulator, clients: SimClient[], violations: string[]): void {
  clients.forEach((c) => {
    const user = emulator.state.users[c.userIndex];
    let added = 0;
    for (const item of emulator.state.workItems.values()) {
      for (const u of item.updates) if (u.revisedBy.id === user.id) added += (u.relations?.added ?? []).filter((r) => r.rel === 'AttachedFile').length;
    }
    const runs = c.store.history.page({}, 10_000).rows;
    const counted = runs.reduce((n, r) => n + r.uploaded + r.linked, 0);
    if (counted > added || (c.crashed === 0 && counted !== added)) {
      const detail = runs.filter((r) => r.uploaded + r.linked > 0).map((r) => `run ${r.id} ${r.status}: uploaded ${r.uploaded}, linked ${r.linked}`).join('; ');
      violations.push(`counters: ${c.name}'s history counts ${counted} uploaded+linked (${detail}), ADO has ${added} relations added by it${c.crashed ? ` (after ${c.crashed} crashes)` : ''}`);
    }
  });
}

function describeRun(run: RunSummary): string {
  const counts = Object.entries(run.counters).filter(([k, n]) => n > 0 && k !== 'bytesTransferred').map(([k, n]) => `${k} ${n}`).join(', ');
  const failures = run.items.filter((i) => i.status === 'failed').map((i) => `${i.fileName}: ${i.error?.message ?? '?'}`);
  return `${run.status}${counts ? ` (${counts})` : ''}${run.error ? ` run error: ${run.error.message}` : ''}${failures.length ? ` failures: ${failures.join(' | ')}` : ''}`;
}

function mirrorContents(c: SimClient, workItemIds: number[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const wi of workItemIds) for (const [name, content] of c.mirrorFiles(wi)) out.set(content, `wi${wi}/${name}`);
  return out;
}

function pickFile(c: SimClient, wi: number, pick: <T>(items: readonly T[]) => T): string | undefined {
  const names = [...c.mirrorFiles(wi).keys()];
  return names.length === 0 ? undefined : path.join(c.mirrorDir(wi), pick(names));
}

function contentBytes(seed: number, i: number, big: boolean): Buffer {
  const text = `content ${i} of run ${seed}\n`;
  return Buffer.from(big ? text.repeat(Math.ceil((150 * 1024) / text.length)) : text.repeat(1 + i));
}

function short(content: Buffer): string {
  return sha256(content).slice(0, 8);
}

function isColleague(comment: unknown): boolean {
  return typeof comment === 'string' && comment.startsWith('colleague');
}

function attachedFiles(emulator: RunningEmulator, wi: number) {
  return (emulator.state.workItems.get(wi)?.relations ?? []).filter((r) => r.rel === 'AttachedFile');
}

/** More users, so that each PAT edits as its own identity (the counters check needs who added what). */
function addUsers(emulator: RunningEmulator, count: number): void {
  const users = emulator.state.users;
  for (let i = users.length; i <= count; i++) {
    users.push({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, displayName: `Sim User ${i}`, uniqueName: `user${i}@example.com`, descriptor: `aad.sim${i}` });
  }
}

async function colleagueAttaches(emulator: RunningEmulator, wi: number, fileName: string, content: Buffer, claim?: string): Promise<void> {
  const comment = `colleague${claim ? ` [sha256:${claim}]` : ''}`;
  const res = await fetch(adminUrl(emulator, `/_emulator/work-items/${wi}/attachments?fileName=${encodeURIComponent(fileName)}&comment=${encodeURIComponent(comment)}`), { method: 'POST', body: new Uint8Array(content) });
  if (!res.ok && res.status !== 400) throw new Error(`colleague attach: ${res.status} ${await res.text()}`);
}

/** The colleague's own client retries what the injected faults break (429, 5xx, resets), as any client does. */
async function colleagueRemoves(emulator: RunningEmulator, wi: number, url: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const item = emulator.state.workItems.get(wi);
    const index = item?.relations.findIndex((r) => r.url === url) ?? -1;
    if (!item || index < 0) return;
    const res = await fetch(`${emulator.baseUrl}/${emulator.project}/_apis/wit/workitems/${wi}?api-version=7.1`, {
      method: 'PATCH',
      headers: { Authorization: `Basic ${Buffer.from(`:${COLLEAGUE}`).toString('base64')}`, 'Content-Type': 'application/json-patch+json', 'X-TFS-FedAuthRedirect': 'Suppress' },
      body: JSON.stringify([{ op: 'test', path: '/rev', value: item.rev }, { op: 'remove', path: `/relations/${index}` }]),
    }).catch(() => undefined);
    if (res?.ok) return;
    await res?.text().catch(() => undefined);
  }
  throw new Error(`the colleague could not remove ${url} from ${wi} in 20 attempts`);
}

function faultRules(random: () => number): FaultRule[] {
  const rate = 0.05 + random() * 0.2;
  return [{ rate, kinds: ['429', '503', 'reset', 'reset-mid-body', 'delay', '500'], retryAfterSeconds: 0, delayMs: 20 }];
}

async function setFaults(emulator: RunningEmulator, rules: FaultRule[], seed: number): Promise<void> {
  const res = rules.length === 0
    ? await fetch(adminUrl(emulator, '/_emulator/faults'), { method: 'DELETE' })
    : await fetch(adminUrl(emulator, '/_emulator/faults'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rules, seed }) });
  if (!res.ok) throw new Error(`faults: ${res.status} ${await res.text()}`);
}
