/**
 * Sync store benchmark: `npx tsx bench/store.ts` (add `--quick` for a smaller run).
 * Prints insert rates, flush cost vs size (beside the raw export+write floor), history page
 * latency at 20k runs / 200k items (beside COUNT(*) and a primary-key scan), and heap used.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore, type HistoryFilter, type SyncStore } from '../src/core/store';

const quick = process.argv.includes('--quick');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-bench-'));
const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
const ms = (n: number): string => `${n.toFixed(2)} ms`;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

async function fresh(name: string): Promise<SyncStore> {
  return openStore({ path: path.join(dir, name), debounceMs: 3_600_000, maxDelayMs: 3_600_000 });
}

/** The raw floor: export the same db and write it with writeFileSync (no fsync, no rename). */
function rawExportWrite(s: SyncStore): number {
  const inner = s as unknown as { db: { export(): Uint8Array }; sql: { forget(): void } };
  inner.sql.forget(); // export() frees sql.js statements; drop our cache of them first
  const db = inner.db;
  const [, t] = time(() => fs.writeFileSync(path.join(dir, 'raw.bin'), db.export()));
  return t;
}

async function insertRates(): Promise<void> {
  const s = await fresh('rates.sqlite');
  const n = quick ? 10_000 : 50_000;
  const [, te] = time(() => { for (let i = 0; i < n; i++) s.events.log({ eventType: 'upload', message: `event ${i}`, workItemId: i % 500, details: { i } }); });
  const run = s.history.create({});
  const batch = Array.from({ length: 1000 }, (_, i) => ({ itemName: `file-${i}.pdf`, status: 'uploaded' as const, fileSize: i, workItemId: i }));
  const [, ti] = time(() => { for (let k = 0; k < n / 1000; k++) s.history.addItems(run.id, batch); });
  console.log(`inserts: events ${Math.round(n / (te / 1000))}/s (one statement each), history items ${Math.round(n / (ti / 1000))}/s (batches of 1000)`);
  s.close();
}

async function flushCost(): Promise<void> {
  console.log('flush (export + write tmp + fsync + rename + fsync dir) vs raw export+writeFileSync:');
  for (const n of quick ? [1000, 10_000] : [1000, 10_000, 100_000]) {
    const s = await fresh(`flush-${n}.sqlite`);
    for (let i = 0; i < n; i++) {
      const a = s.attachments.insert({ workItemId: 1000 + (i % 2000), fileName: `document-${i}.pdf`, fileSize: 1000 + i,
        source: i % 2 ? 'TOOL' : 'ADO', localPath: `attachments/${1000 + (i % 2000)}/document-${i}.pdf`, sha256: `${i}`.padStart(64, '0') });
      for (let e = 0; e < 10; e++) s.events.log({ eventType: 'sync', message: `attachment ${a.id} step ${e}`, workItemId: a.workItemId });
    }
    const flushes: number[] = [];
    const raws: number[] = [];
    for (let k = 0; k < 5; k++) {
      s.events.log({ eventType: 'x', message: 'dirty' });
      flushes.push(s.flush()!.ms);
      raws.push(rawExportWrite(s));
    }
    console.log(`  ${String(n).padStart(6)} attachments + ${n * 10} events: file ${mb(s.lastFlush!.bytes)}, flush p50 ${ms(pct(flushes, 50))}, raw ${ms(pct(raws, 50))}`);
    s.close();
  }
}

async function historyPages(): Promise<void> {
  const runs = quick ? 5000 : 20_000;
  const s = await fresh('history.sqlite');
  const [, seedMs] = time(() => {
    const base = Date.parse('2025-06-01T00:00:00Z');
    const statuses = ['completed', 'completed', 'completed', 'failed', 'cancelled'] as const;
    const triggers = ['poll', 'poll', 'manual', 'webhook', 'attach'] as const;
    for (let i = 0; i < runs; i++) {
      const r = s.history.create({ startedAt: new Date(base + i * 600_000).toISOString(), trigger: triggers[i % 5],
        projectName: `Project${i % 10}`, workItemId: 1 + (i % 1000) });
      s.history.update(r.id, { status: statuses[i % 5], errorMessage: i % 5 === 3 ? `HTTP 503 on attempt ${i}` : null });
      s.history.addItems(r.id, Array.from({ length: 10 }, (_, k) => ({ itemName: `spec-${i}-${k}.docx`, status: 'uploaded' as const,
        errorMessage: k === 9 && i % 97 === 0 ? 'quota exceeded' : null })));
    }
  });
  console.log(`history: seeded ${runs} runs / ${runs * 10} items in ${(seedMs / 1000).toFixed(1)} s`);
  const filters: Record<string, HistoryFilter> = {
    none: {}, status: { status: 'failed' }, trigger: { trigger: 'webhook' }, project: { projectName: 'Project3' },
    workItem: { workItemId: 42 }, dateRange: { from: '2025-07-01T00:00:00Z', to: '2025-08-01T00:00:00Z' },
    text: { text: 'quota' }, 'status+project': { status: 'completed', projectName: 'Project4' },
  };
  const reps = 40;
  for (const [name, f] of Object.entries(filters)) {
    const cursors: Array<string | null> = [null];
    for (let c: string | null = null; ;) {
      c = s.history.page(f, 50, c).nextCursor;
      if (!c) break;
      cursors.push(c);
    }
    const at = { first: cursors[0], middle: cursors[Math.floor(cursors.length / 2)], last: cursors[cursors.length - 1] };
    const parts: string[] = [];
    for (const [where, cur] of Object.entries(at)) {
      const lat: number[] = [];
      for (let k = 0; k < reps; k++) lat.push(time(() => s.history.page(f, 50, cur))[1]);
      parts.push(`${where} p50 ${ms(pct(lat, 50))} p95 ${ms(pct(lat, 95))}`);
    }
    console.log(`  page(50) ${name.padEnd(15)} ${String(s.history.count(f)).padStart(6)} rows, ${String(cursors.length).padStart(4)} pages: ${parts.join(' | ')}`);
  }
  const sql = (s as unknown as { sql: { scalar(q: string): unknown } }).sql;
  const ref = (q: string): string => { const l: number[] = []; for (let k = 0; k < reps; k++) l.push(time(() => sql.scalar(q))[1]); return `p50 ${ms(pct(l, 50))} p95 ${ms(pct(l, 95))}`; };
  console.log(`  reference: COUNT(*) runs ${ref('SELECT COUNT(*) FROM sync_history')}; PK scan of items (SUM(id)) ${ref('SELECT SUM(id) FROM sync_history_items')}`);
  const f = s.flush();
  console.log(`  flush at this size: ${mb(f!.bytes)} in ${ms(f!.ms)}, raw ${ms(rawExportWrite(s))}`);
  s.close();
}

async function main(): Promise<void> {
  try {
    await insertRates();
    await flushCost();
    await historyPages();
    const m = process.memoryUsage();
    console.log(`heap used ${mb(m.heapUsed)}, rss ${mb(m.rss)}, external+arrayBuffers ${mb(m.external + m.arrayBuffers)} (sql.js memory is wasm: counted in external)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
void main();
