// The reconciliation coordinator: the one scheduler of sync work (DESIGN.md "How a change flows").
// Every trigger (the change feed, a webhook event, Force Sync / Sync All, attach, a file changed in
// the mirror folder) only marks work items dirty in the store (sync_job_queue). One worker claims
// due items, each exclusively, reads them in batches, and runs plan -> execute -> commit per item;
// transfers across all items share one limiter of N. A failure leaves the item dirty with capped
// backoff and its reason; the feed position is stored only together with the marks of what it
// found, so a change seen is either synced or still dirty, never forgotten. A run (history) is the
// processing of the items one trigger asked for.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { AuthenticationError, fullJitterDelay, type AdoClient, type WorkItem } from '../ado';
import type { SyncSettings } from '../settings';
import type { DirtyItemRow, DirtyReason, MarkOptions } from '../store';
import type { SyncDb } from '../store/syncDb';
import { detectChanges, type FeedPosition } from './changeDetection';
import { collectWorkItem } from './collect';
import type { ItemOutcome, RunSummary, RunTrigger } from './engineApi';
import type { SyncEvents } from './events';
import { executePlan, type ItemResult } from './execute';
import { clearStaging } from './inbound';
import { classifyFailure, toItemError } from './itemError';
import { Limiter } from './limiter';
import { type HashCache, scanMirrorFolder } from './mirrorFolder';
import { effectiveActions, planWorkItem, type Plan, type PlanOptions } from './planner';
import { recordEffects } from './recordEffects';
import { Run } from './run';
import type { RunRecorder } from './runRecorder';
import { UploadJournal } from './uploadJournal';

type Log = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

export interface CoordinatorOptions {
  client: AdoClient;
  store: SyncDb;
  settings: SyncSettings;
  mirrorRoot: string;
  events: SyncEvents;
  recorder: RunRecorder;
  log: Log;
  /** Transfers at once across all work items (default 4). */
  concurrency?: number;
  /** Backoff of a failed work item (full jitter); capped by the poll interval while polling runs. */
  backoff?: { baseMs: number; capMs: number };
  /**
   * A claimed (or reserved) item is taken over when its lease runs out: a live coordinator renews
   * its leases every third of this, so only a dead process's run out (default 60 s).
   */
  leaseMs?: number;
  now?: () => Date;
  random?: () => number;
}

export interface CoordinatorState {
  /** Work items processing now. */
  active: number;
  /** Dirty work items waiting (due or in backoff), and those blocked by the brake. */
  dirty: number;
  blocked: { workItemId: number; reason: string; details: Record<string, unknown> | null }[];
  /** Last time the change feed was read (kept in memory: an empty poll writes nothing). */
  lastCheckedAt?: Date;
  nextPollAt?: Date;
  /** Credentials were refused: nothing runs until the user acts (sign in again, sync). */
  paused?: string;
}

export interface RequestOptions extends MarkOptions {
  signal?: AbortSignal;
  /** Outcomes known before any processing (files refused before they were requested). */
  preflight?: readonly ItemOutcome[];
  /** An attach: the files asked for (absolute paths); see Run.files. */
  files?: readonly string[];
  /** Writes the attach requests, once their files are known as this run's. */
  prepare?: () => Promise<void>;
}

/** A sync's result with what commit needs beyond execute's: the brake, and whether to plan again at once. */
type Reconciled = ItemResult & { blocked?: Plan['blocked']; again?: boolean };

/** Rounds of plan -> execute -> commit per work item and processing. */
const MAX_ROUNDS = 3;

/** Work items read per batch request (workitemsbatch takes 200). */
const READ_BATCH = 200;
const DEFAULT_BACKOFF = { baseMs: 1000, capMs: 5 * 60_000 };
/** How often a process whose runs wait looks for their items on a shared database. */
const SHARED_RECHECK_MS = 500;

export class SyncCoordinator {
  /** This process on a shared database: its leases, reservations, runs and attach requests. */
  readonly owner = `coordinator-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly project: string;
  private readonly limiter: Limiter;
  private readonly journal: UploadJournal;
  private readonly hashes: HashCache = new Map();
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly active = new Map<number, Promise<void>>();
  private readonly exclusive = new Map<number, Promise<unknown>>();
  private readonly waiters = new Map<number, Run[]>();
  /** The files of attach runs not ended yet (path -> how many runs ask): each is carried out by its own run's processing. */
  private readonly requested = new Map<string, number>();
  private rechecking = false;
  private readonly closing = new AbortController();
  private pumping = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private pollIntervalMs = 0;
  private nextPollAt: Date | undefined;
  private polling: Promise<RunSummary | undefined> | undefined;
  private lastCheckedAt: Date | undefined;
  /** A feed position read but not stored (nothing changed): kept in memory, written with the next marks or at close. */
  private unsavedPosition: FeedPosition | undefined;
  private paused: AuthenticationError | undefined;
  private started = false;
  private stopping = false;
  /** Requests whose items are being marked (close() waits for them as for runs). */
  private enqueuing = 0;
  /**
   * What state() and trackedIds() answer at once (the store answers asynchronously): read again
   * after every change this process makes and at every poll.
   */
  private tracked: number[] = [];
  /** Tracked items synced whole at least once (so a sync need not mark them again: a write per item). */
  private checked = new Set<number>();
  private dirtyRows: DirtyItemRow[] = [];
  private dirtyReadTimer: NodeJS.Timeout | undefined;
  /** Settles when the first reading of tracked items and dirty rows has arrived. */
  readonly ready: Promise<void>;

  constructor(private readonly o: CoordinatorOptions) {
    this.project = o.client.project;
    this.limiter = new Limiter(Math.max(1, o.concurrency ?? 4));
    this.journal = UploadJournal.of(o.store);
    this.now = o.now ?? (() => new Date());
    this.random = o.random ?? Math.random;
    // The runs it records are this coordinator's: its heartbeat renews them with its leases.
    o.recorder.ownRuns({ owner: this.owner, leaseMs: this.leaseMs });
    this.ready = Promise.all([this.readTracked(), this.readDirty()]).then(() => undefined, (error) => this.o.log('warn', `Reading the sync state failed: ${toItemError(error).message}`));
  }

  private get store(): SyncDb { return this.o.store; }
  private get leaseMs(): number { return this.o.leaseMs ?? 60_000; }

  /**
   * Takes up what a previous process left: runs it was recording become failed ("interrupted"), its
   * claimed items go back to the queue, its staging files are removed. sql.js has one writer per
   * file, so all of them; on PostgreSQL only those whose owner stopped renewing its leases (the
   * heartbeat goes on ending such runs while this process lives).
   */
  async recover(): Promise<number> {
    const shared = this.store.kind === 'postgres';
    const interrupted = await this.store.history.interruptAbandoned({ kind: 'attachment_sync', expiredOnly: shared });
    const released = await this.store.dirtyItems.release(this.project);
    await Promise.all([this.readTracked(), this.readDirty()]);
    await clearStaging(this.o.mirrorRoot);
    if (interrupted > 0 || released > 0) this.o.log('warn', `Recovered from an interrupted process: ${interrupted} run(s) marked interrupted, ${released} work item(s) queued again.`);
    // A single operation (link, download) records a run without the worker: renewed from now on.
    if (shared) this.beat();
    return interrupted;
  }

  /** Starts the worker (dirty items left by an earlier process are picked up) and, with an interval, polling. */
  start(pollIntervalMs = 0): void {
    this.started = true;
    this.setPollInterval(pollIntervalMs);
    this.wake();
  }

  setPollInterval(ms: number): void {
    this.pollIntervalMs = Math.max(0, ms);
    this.nextPollAt = this.pollIntervalMs > 0 ? new Date(this.now().getTime() + this.jittered(this.pollIntervalMs)) : undefined;
    this.arm();
  }

  /** A trigger that needs no answer (webhook event, file watcher): marks and wakes the worker. */
  markDirty(workItemIds: readonly number[], reason: DirtyReason, options: MarkOptions = {}): void {
    void this.mark(workItemIds, reason, options).catch((error) => this.o.log('warn', `Marking work items ${workItemIds.join(', ')} failed: ${toItemError(error).message}`));
  }

  private async mark(workItemIds: readonly number[], reason: DirtyReason, options: MarkOptions): Promise<void> {
    const tracked = new Set(await this.readTracked());
    const ids = workItemIds.filter((id) => tracked.has(id));
    if (ids.length === 0) return;
    await this.store.dirtyItems.mark(this.project, ids, reason, options);
    await this.readDirty();
    this.wake();
  }

  /** A file in the mirror folder changed (a file watcher): its work item is dirty. */
  localFileChanged(filePath: string): void {
    const relative = path.relative(this.o.mirrorRoot, filePath);
    const id = Number(relative.split(path.sep)[0]);
    if (Number.isSafeInteger(id) && id > 0 && !relative.startsWith('..')) this.markDirty([id], 'local');
  }

  /**
   * Marks the items and waits until each has been processed (a transient failure is tried again up
   * to uploadMaxRetries times within this run); the run is recorded at once.
   */
  request(workItemIds: readonly number[], trigger: RunTrigger, reason: DirtyReason, options: RequestOptions = {}): Promise<RunSummary> {
    // A user action is also the moment to try again after refused credentials.
    this.paused = undefined;
    this.started = true;
    const ids = [...new Set(workItemIds)];
    const run = this.newRun(trigger, ids, options.signal);
    if (options.files) {
      // Known before the requests are written: no other processing takes them for its own run.
      run.files = new Set(options.files);
      this.countRequested(run.files, 1);
      const forget = () => this.countRequested(run.files ?? new Set(), -1);
      void run.done.then(forget, forget);
    }
    this.enqueuing++;
    return this.enqueue(run, ids, reason, options);
  }

  private countRequested(files: ReadonlySet<string>, delta: 1 | -1): void {
    for (const file of files) {
      const n = (this.requested.get(file) ?? 0) + delta;
      if (n > 0) this.requested.set(file, n);
      else this.requested.delete(file);
    }
  }

  private async enqueue(run: Run, ids: number[], reason: DirtyReason, options: RequestOptions): Promise<RunSummary> {
    try {
      if (options.prepare) {
        try {
          await options.prepare();
        } catch (error) {
          run.finish();
          throw error;
        }
      }
      await run.record();
      for (const o of options.preflight ?? []) await run.add(o);
      for (const o of options.preflight ?? []) run.announce(o);
      if (ids.length === 0) {
        run.finish();
        return await run.done;
      }
      // This process waits for them: they stay its to claim while it lives (PostgreSQL: other processes skip them).
      await this.store.dirtyItems.mark(this.project, ids, reason, { ...options, reserve: { owner: this.owner, leaseMs: this.leaseMs } });
      await this.wait(run, ids);
      await this.readDirty();
    } finally {
      this.enqueuing--;
    }
    options.signal?.addEventListener('abort', () => this.cancel(run), { once: true });
    this.wake();
    return run.done;
  }

  /**
   * Reads the change feed (and looks for changed files in the mirror folder), marks what changed,
   * and waits for it to be processed. Nothing changed: undefined, and nothing is written.
   */
  poll(): Promise<RunSummary | undefined> {
    this.polling ??= this.readChanges().finally(() => { this.polling = undefined; });
    return this.polling;
  }

  /** Runs `task` while no sync processes the work item (and none starts): for single operations. */
  async withItem<T>(workItemId: number, task: () => Promise<T>): Promise<T> {
    while (this.active.has(workItemId) || this.exclusive.has(workItemId)) {
      await (this.active.get(workItemId) ?? this.exclusive.get(workItemId))?.catch(() => undefined);
    }
    const running = task();
    this.exclusive.set(workItemId, running);
    try {
      return await running;
    } finally {
      this.exclusive.delete(workItemId);
      this.wake();
    }
  }

  /** What a dry run would do: the plans of these items, without executing them. */
  async plan(workItemIds: readonly number[], options: Partial<PlanOptions> = {}, signal?: AbortSignal): Promise<Plan[]> {
    const items = workItemIds.length === 0 ? [] : await this.o.client.getWorkItems(workItemIds, { expand: 'relations', errorPolicy: 'omit', signal });
    const plans: Plan[] = [];
    for (const item of items) {
      if (!item) continue;
      const { state } = await collectWorkItem(item, this.store, this.o.mirrorRoot, this.hashes, { ...this.planOptions(undefined), ...options });
      plans.push(planWorkItem(state));
    }
    return plans;
  }

  /** As of the last change this process made or saw (see `tracked`). */
  state(): CoordinatorState {
    const rows = this.dirtyRows;
    return {
      active: this.active.size, dirty: rows.length,
      blocked: rows.filter((r) => r.status === 'BLOCKED').map((r) => ({ workItemId: r.workItemId, reason: r.blockedReason ?? 'blocked', details: r.blockedDetails })),
      lastCheckedAt: this.lastCheckedAt, nextPollAt: this.nextPollAt, paused: this.paused?.message,
    };
  }

  /**
   * Stops polling and waits until every run already asked for has ended and no item is in flight
   * (a graceful stop: nothing is cut off mid-transfer); then gives back what it holds.
   */
  async close(): Promise<void> {
    this.stopping = true;
    this.setPollInterval(0);
    while (this.enqueuing > 0 || this.waiters.size > 0 || this.active.size > 0 || this.exclusive.size > 0 || this.polling) {
      this.wake();
      const busy = [...this.active.values(), ...this.exclusive.values(), ...(this.polling ? [this.polling] : [])];
      // A run waiting for a retry after backoff has nothing in flight: look again shortly.
      await Promise.race([Promise.allSettled(busy), new Promise((resolve) => setTimeout(resolve, 50))]);
    }
    this.closing.abort(new Error('sync coordinator closed'));
    clearTimeout(this.timer);
    this.timer = undefined;
    clearTimeout(this.dirtyReadTimer);
    this.dirtyReadTimer = undefined;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await this.store.dirtyItems.release(this.project, this.owner);
    if (this.unsavedPosition) await this.store.watermarks.set(this.project, this.unsavedPosition.watermark, this.unsavedPosition.continuationToken);
    this.unsavedPosition = undefined;
  }

  // ---- worker ---------------------------------------------------------------------------------

  private wake(): void {
    if (!this.started || this.closing.signal.aborted) return;
    this.beat();
    // Stopping: only what a waiting run needs is still taken.
    if (this.stopping && this.waiters.size === 0) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    void this.pump();
  }

  /**
   * Renews this process's leases while it runs (they expire only when it is gone). On a shared
   * database it also renews its runs, ends other processes' runs whose leases ran out, and fails
   * the attach requests nobody waits for any more.
   */
  private beat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      this.store.dirtyItems.renew(this.project, this.owner, this.leaseMs).catch((error) => this.o.log('warn', `Renewing the work item leases failed: ${toItemError(error).message}`));
      if (this.store.kind === 'postgres') this.beatRuns().catch((error) => this.o.log('warn', `Renewing the runs' leases failed: ${toItemError(error).message}`));
    }, Math.max(1000, Math.floor(this.leaseMs / 3)));
    this.heartbeat.unref();
  }

  private async beatRuns(): Promise<void> {
    await this.store.history.renewLeases(this.owner, this.leaseMs);
    const ended = await this.store.history.interruptAbandoned({ kind: 'attachment_sync', expiredOnly: true });
    if (ended > 0) this.o.log('warn', `${ended} run(s) of a process that stopped were marked interrupted.`);
    const abandoned = await this.store.attachments.failAbandonedRequests(new Date(this.now().getTime() - this.leaseMs).toISOString());
    if (abandoned > 0) this.o.log('warn', `${abandoned} attach request(s) that nobody waits for any more were marked failed.`);
  }

  /** Claims due items while there is room, a batch at a time; processing runs on without it. */
  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.again = false;
        while (!this.closing.signal.aborted && !this.paused && this.active.size < READ_BATCH && !(this.stopping && this.waiters.size === 0)) {
          const exclude = new Set([...this.active.keys(), ...this.exclusive.keys()]);
          const batch = await this.store.dirtyItems.claimDue(this.project, this.owner, READ_BATCH - this.active.size, this.leaseMs, exclude);
          if (batch.length === 0) break;
          await this.startBatch(batch);
        }
      } while (this.again && !this.closing.signal.aborted);
    } catch (error) {
      this.o.log('error', `Sync worker: ${toItemError(error).message}`);
    } finally {
      this.pumping = false;
      this.arm();
    }
  }

  private async startBatch(batch: DirtyItemRow[]): Promise<void> {
    // Until each item's processing starts, the batch read stands for it (close() waits for it).
    let read!: () => void;
    const reading = new Promise<void>((resolve) => { read = resolve; });
    for (const row of batch) this.active.set(row.workItemId, reading);
    let items: (WorkItem | null)[];
    try {
      items = await this.o.client.getWorkItems(batch.map((r) => r.workItemId), { expand: 'relations', errorPolicy: 'omit', signal: this.closing.signal });
    } catch (error) {
      for (const row of batch) {
        this.active.delete(row.workItemId);
        await this.settle(row, { outcomes: [], effects: [], retry: [toItemError(error)], authFailed: error instanceof AuthenticationError ? error : undefined }, error);
      }
      read();
      return;
    }
    batch.forEach((row, i) => {
      const processing = this.process(row, items[i]).catch((error) => this.o.log('error', `Work item ${row.workItemId}: ${toItemError(error).message}`))
        .finally(() => {
          this.active.delete(row.workItemId);
          this.wake();
        });
      this.active.set(row.workItemId, processing);
    });
    read();
  }

  /**
   * plan -> execute -> commit for one work item. A plan whose outcome decides the next step (a
   * comparison that waits, a file moved aside) is followed by another round at once, so one sync
   * converges: at most MAX_ROUNDS, each committed on its own.
   */
  private async process(row: DirtyItemRow, item: WorkItem | null): Promise<void> {
    const id = row.workItemId;
    const waiting = this.takeWaiters(id);
    const runs = waiting.length > 0 ? waiting : [this.newRun(triggerOf(row), [id], undefined)];
    try {
      await this.rounds(row, item, runs);
    } catch (error) {
      // Something we did not foresee (the store closed under us): the runs waiting still end, with the error.
      this.o.log('error', `Work item ${id}: ${toItemError(error).message}`);
      for (const r of runs) {
        r.fail(error);
        if (r.waitsFor(id)) r.itemDone(id);
      }
    }
  }

  /** `runs`: the runs this processing answers (never empty); the first one's signal and plan counts stand for the item. */
  private async rounds(row: DirtyItemRow, item: WorkItem | null, runs: Run[]): Promise<void> {
    const id = row.workItemId;
    const run = runs[0];
    const signal = AbortSignal.any([this.closing.signal, ...(run.signal ? [run.signal] : [])]);
    let current = item;
    for (let round = 1; ; round++) {
      const { result, failure, again } = await this.round(row, current, runs, signal);
      const last = !again || round >= MAX_ROUNDS || failure !== undefined || result.retry.length > 0 || result.authFailed !== undefined || signal.aborted;
      if (!last) {
        await this.commit(row, runs, result, undefined, false);
        try {
          current = await this.o.client.getWorkItem(id, { expand: 'relations', signal });
          continue;
        } catch (error) {
          const next = this.failed(id, error, signal);
          await this.commit(row, runs, next, error, true);
          for (const r of runs) await this.itemProcessed(r, id, next);
          return;
        }
      }
      await this.commit(row, runs, result, failure, true);
      for (const r of runs) await this.itemProcessed(r, id, result);
      return;
    }
  }

  private async round(row: DirtyItemRow, item: WorkItem | null, runs: Run[], signal: AbortSignal): Promise<{ result: Reconciled; failure?: unknown; again: boolean }> {
    const id = row.workItemId;
    if (!item) {
      this.o.log('warn', `Work item ${id} is gone or not readable with these credentials; it is not synced.`);
      return { again: false, result: { outcomes: [{ workItemId: id, fileName: `work item ${id}`, direction: 'inbound', status: 'failed',
        error: { message: `Work item ${id} is gone or not readable with these credentials.`, code: 'WorkItemNotFound' } }], effects: [], retry: [] } };
    }
    try {
      const result = await this.reconcile(row, item, runs, signal);
      return { result, again: result.again === true };
    } catch (error) {
      return { result: this.failed(id, error, signal), failure: error, again: false };
    }
  }

  private failed(id: number, error: unknown, signal: AbortSignal): Reconciled {
    const kind = classifyFailure(error, signal);
    const result: Reconciled = { outcomes: [{ workItemId: id, fileName: `work item ${id}`, direction: 'inbound', status: kind === 'cancelled' ? 'cancelled' : 'failed', error: toItemError(error) }], effects: [], retry: [] };
    if (kind === 'auth') result.authFailed = error as AuthenticationError;
    else if (kind === 'transient') result.retry.push(toItemError(error));
    return result;
  }

  private async reconcile(row: DirtyItemRow, item: WorkItem, runs: Run[], signal: AbortSignal): Promise<Reconciled> {
    const run = runs[0];
    const { state, missing } = await collectWorkItem(item, this.store, this.o.mirrorRoot, this.hashes, this.planOptions(row), this.carriesOut(runs));
    const plan = planWorkItem(state);
    const fx = recordEffects(item.id);
    const result: Reconciled = { outcomes: [], effects: [], retry: [] };
    // A whole sync of a tracked item: the poll no longer treats it as never synced.
    if (state.options.scope !== 'explicit' && !this.checked.has(item.id)) {
      result.effects.push(async (store) => {
        await store.trackedItems.markChecked(item.id, item.rev);
        this.checked.add(item.id);
      });
    }
    for (const m of missing) {
      result.outcomes.push({ workItemId: item.id, fileName: m.fileName, direction: 'outbound', status: 'failed', localPath: m.localPath ?? undefined,
        error: { message: `File not found: ${m.localPath ?? m.fileName}`, code: 'FileNotFound', kind: 'PreflightError' } });
      result.effects.push(fx.uploadFailed({ fileName: m.fileName, localPath: m.localPath ?? '', sha256: m.sha256 ?? '', size: m.fileSize, pendingRecordId: m.id }, `File not found: ${m.localPath ?? m.fileName}`, 'permanent', false));
    }
    if (plan.blocked) {
      const b = plan.blocked;
      result.blocked = b;
      result.outcomes.push({ workItemId: item.id, fileName: `work item ${item.id}`, direction: 'inbound', status: 'blocked', error: {
        message: `Sync of work item ${item.id} stopped: ${b.removals} of its ${b.total} synced attachments are gone from Azure DevOps (more than ${Math.round(b.maxShare * 100)}%). Nothing was marked; confirm to go on (ado-sync sync --force, or the prompt in VS Code).`,
        code: 'MaxDeleteBrake' } });
      return result;
    }
    const actions = effectiveActions(plan);
    const visible = actions.filter((a) => a.kind !== 'adopt');
    if (visible.length > 0) run.plan(visible.length);
    // The run's row is on disk before its first transfer.
    if (actions.some((a) => a.kind === 'upload' || a.kind === 'download' || a.kind === 'verify')) await run.record();
    const executed = await executePlan({
      client: this.o.client, store: this.store, settings: this.o.settings, mirrorRoot: this.o.mirrorRoot, journal: this.journal,
      collectionUrl: this.o.client.org.baseUrl, transfers: this.limiter, now: this.now, signal, workItem: item,
      onProgress: (fileName, direction, bytes, total) => this.o.events.emit('itemProgress', { runId: run.runId, workItemId: item.id, fileName, direction, bytes, total }),
      log: (level, message) => this.o.log(level, message),
    }, item.id, actions);
    const inFlight = this.journal.all().filter((e) => e.workItemId === item.id);
    if (inFlight.length > 0) executed.effects.push(fx.sessionsInFlight(inFlight));
    // What this plan decided only decides the next step: plan again at once.
    const again = plan.actions.some((a) => a.kind === 'verify' || (a.kind === 'skip' && a.reason === 'awaiting-compare') || (a.kind === 'download' && a.moveAside !== undefined));
    return { outcomes: [...result.outcomes, ...executed.outcomes], effects: [...result.effects, ...executed.effects], retry: executed.retry, authFailed: executed.authFailed, again };
  }

  /**
   * Which pending attach requests this processing carries out: those its runs asked for, and on the
   * one-writer sql.js file also those no live run asks for (left by an earlier process). Never those
   * of a run waiting for the item's next processing, nor, on a shared database, another process's:
   * each run reports its own files, and another machine's file is not on this one.
   */
  private carriesOut(runs: readonly Run[]): (localPath: string) => boolean {
    const mine = new Set(runs.flatMap((r) => [...(r.files ?? [])]));
    if (this.store.kind === 'postgres') return (file) => mine.has(file);
    return (file) => mine.has(file) || !this.requested.has(file);
  }

  /** The runs an outcome is reported to: those that asked for its file, else the first that asked for the whole item. */
  private static reportTo(outcome: ItemOutcome, runs: readonly Run[]): Run[] {
    if (!outcome.localPath) return [...runs];
    const asked = runs.filter((r) => r.files?.has(outcome.localPath as string));
    return asked.length > 0 ? asked : [runs.find((r) => !r.files) ?? runs[0]];
  }

  /** One transaction: records, history items and counters, and the dirty mark cleared or kept with backoff. */
  private async commit(row: DirtyItemRow, runs: Run[], result: Reconciled, failure: unknown, lastRound: boolean): Promise<void> {
    const id = row.workItemId;
    const run = runs[0];
    const attempt = (run.attempts.get(id) ?? 0) + (lastRound ? 1 : 0);
    run.attempts.set(id, attempt);
    const transient = result.retry.length > 0 || result.authFailed !== undefined;
    const final = !transient || attempt >= Math.max(1, this.o.settings.uploadMaxRetries) || run.signal?.aborted === true || this.closing.signal.aborted;
    // A try that will be repeated within this run is not history yet; its successes are.
    const recorded = (final ? result.outcomes : result.outcomes.filter((o) => o.status !== 'failed' && o.status !== 'cancelled'))
      .map((outcome) => ({ outcome, runs: SyncCoordinator.reportTo(outcome, runs) }));
    // The runs' rows first: their items are written in the item's transaction below.
    for (const r of new Set(recorded.flatMap((x) => x.runs))) await r.record();
    try {
      await this.store.transaction(async (tx) => {
        for (const effect of result.effects) await effect(tx);
        for (const { outcome, runs: to } of recorded) for (const r of to) await r.add(outcome, tx);
        if (!lastRound) return;
        if (result.blocked) await tx.dirtyItems.block(this.project, id, 'max-delete', { ...result.blocked });
        // An attach the user asked for and was told has failed is not tried again behind their back
        // (they have Retry); a change seen in the background stays dirty and is retried.
        else if (transient && final && !result.authFailed && row.reasons.every((r) => r === 'attach')) await tx.dirtyItems.complete(this.project, id, row.markSeq);
        else if (transient) await tx.dirtyItems.fail(this.project, id, row.markSeq, result.retry[0] ?? toItemError(result.authFailed), this.retryAt(row, result));
        else await tx.dirtyItems.complete(this.project, id, row.markSeq);
      });
    } catch (error) {
      // Rolled back: what the effects noted is not so.
      this.checked.delete(id);
      this.o.log('error', `Work item ${id}: recording the sync failed (${toItemError(error).message}); it is tried again.`);
      await this.store.dirtyItems.fail(this.project, id, row.markSeq, toItemError(error), this.retryAt(row, result));
    }
    if (lastRound) this.readDirtySoon();
    for (const { outcome, runs: to } of recorded) for (const r of to) r.announce(outcome);
    if (result.authFailed) this.pause(result.authFailed);
    for (const r of runs) {
      if (failure && !transient) r.fail(failure);
      if (result.blocked) r.fail(new Error(result.outcomes.find((o) => o.status === 'blocked')?.error?.message ?? 'blocked by the max-delete brake'));
    }
  }

  private async itemProcessed(run: Run, id: number, result: ItemResult): Promise<void> {
    const transient = result.retry.length > 0;
    const attempts = run.attempts.get(id) ?? 1;
    if (transient && !result.authFailed && attempts < Math.max(1, this.o.settings.uploadMaxRetries) && !run.signal?.aborted && !this.closing.signal.aborted) {
      await this.wait(run, [id]);
      return;
    }
    if (result.authFailed) run.fail(result.authFailed);
    run.itemDone(id);
  }

  private async settle(row: DirtyItemRow, result: ItemResult, failure: unknown): Promise<void> {
    const waiting = this.takeWaiters(row.workItemId);
    const runs = waiting.length > 0 ? waiting : [this.newRun(triggerOf(row), [row.workItemId], undefined)];
    result.outcomes.push({ workItemId: row.workItemId, fileName: `work item ${row.workItemId}`, direction: 'inbound', status: 'failed', error: toItemError(failure) });
    await this.commit(row, runs, result, failure, true);
    for (const r of runs) await this.itemProcessed(r, row.workItemId, result);
  }

  private retryAt(row: DirtyItemRow, result: ItemResult): Date {
    const backoff = this.o.backoff ?? DEFAULT_BACKOFF;
    const cap = this.pollIntervalMs > 0 ? Math.min(backoff.capMs, this.pollIntervalMs) : backoff.capMs;
    const wait = Math.max(fullJitterDelay(row.attempts, { baseMs: backoff.baseMs, capMs: cap }, this.random),
      ...result.retry.map((r) => r.retryAfterMs ?? 0));
    return new Date(this.now().getTime() + wait);
  }

  /** Credentials refused: nothing more is claimed, and runs waiting end now (their items stay dirty). */
  private pause(error: AuthenticationError): void {
    if (!this.paused) this.o.log('error', `Azure DevOps refused the credentials (${error.message}); sync waits until you sign in again or start a sync.`);
    this.paused = error;
    const waiting = new Set([...this.waiters.values()].flat());
    this.waiters.clear();
    for (const run of waiting) {
      run.fail(error);
      run.finish();
    }
  }

  private cancel(run: Run): void {
    for (const id of run.workItemIds) {
      const runs = this.waiters.get(id);
      if (!runs?.includes(run) || this.active.has(id)) continue;
      this.waiters.set(id, runs.filter((r) => r !== run));
      run.itemDone(id);
    }
  }

  // ---- change detection ---------------------------------------------------------------------

  private async readChanges(): Promise<RunSummary | undefined> {
    const tracked = await this.readTracked();
    const startedAt = this.now();
    if (tracked.length === 0 || this.paused) {
      this.lastCheckedAt = startedAt;
      return undefined;
    }
    const stored = await this.store.watermarks.get(this.project);
    const position = this.unsavedPosition ?? (stored ? { watermark: stored.watermark, continuationToken: stored.continuationToken } : undefined);
    let feed;
    try {
      feed = await detectChanges(this.o.client, position, tracked, startedAt, (level, m) => this.o.log(level, m), this.closing.signal);
    } catch (error) {
      if (error instanceof AuthenticationError) this.pause(error);
      throw error;
    }
    const local = await this.locallyChanged(tracked);
    // Tracked since the last poll (or only attached to): never synced whole yet.
    const fresh = new Set((await this.store.trackedItems.list(this.project)).filter((t) => t.lastCheckedAt === null).map((t) => t.workItemId));
    const changed = feed.changed === undefined ? tracked : tracked.filter((id) => feed.changed?.has(id) || local.has(id) || fresh.has(id));
    this.lastCheckedAt = startedAt;
    if (changed.length === 0) {
      this.unsavedPosition = feed.position;
      return undefined;
    }
    await this.store.transaction(async (tx) => {
      await tx.dirtyItems.mark(this.project, changed, feed.changed === undefined ? 'first-sync' : 'feed');
      await tx.watermarks.set(this.project, feed.position.watermark, feed.position.continuationToken);
    });
    this.unsavedPosition = undefined;
    this.started = true;
    const run = this.newRun('poll', changed, undefined);
    await this.wait(run, changed);
    await this.readDirty();
    this.wake();
    const summary = await run.done;
    return summary.runId === -1 ? undefined : summary;
  }

  /** Tracked items whose mirror folder holds content no record knows, or lost a synced file. */
  private async locallyChanged(tracked: readonly number[]): Promise<Set<number>> {
    const files = groupBy(await scanMirrorFolder(this.o.mirrorRoot, tracked, this.hashes), (f) => f.workItemId);
    // Every poll runs this: one query for all records and one pass per side, not a query per work item.
    const records = groupBy(await this.store.attachments.liveContent(), (r) => r.workItemId);
    const changed = new Set<number>();
    for (const id of tracked) {
      const mine = files.get(id) ?? [];
      const known = records.get(id) ?? [];
      const shas = new Set(known.map((r) => r.sha256));
      const dir = path.join(this.o.mirrorRoot, String(id));
      const present = new Set(mine.map((f) => f.path));
      if (mine.some((f) => !shas.has(f.sha256))
        || known.some((r) => r.lastSyncedAt && !r.remoteRemovedAt && r.localPath && path.dirname(r.localPath) === dir && !present.has(r.localPath))) changed.add(id);
    }
    return changed;
  }

  // ---- helpers --------------------------------------------------------------------------------

  private newRun(trigger: RunTrigger, ids: readonly number[], signal: AbortSignal | undefined): Run {
    return new Run(trigger, ids, signal, this.o.recorder, this.o.events, this.now, () => this.store.flush(), () => this.readDirty());
  }

  /** The run waits for these items' next processing; an item the brake holds ends at once, as blocked. */
  private async wait(run: Run, ids: readonly number[]): Promise<void> {
    for (const id of ids) {
      const row = await this.store.dirtyItems.get(this.project, id);
      if (row?.status === 'BLOCKED') {
        endBlocked(run, row);
        continue;
      }
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), run]);
    }
  }

  /**
   * On a shared database a run here can wait for an item that no longer needs it from this process:
   * another one claimed the item with this run's mark in it (or after this reservation expired) and
   * synced it, or its brake now holds it. Nothing would bring such an item back here: it is marked
   * again, reserved, and one the brake holds ends the runs as blocked.
   */
  private async recheckWaiters(): Promise<void> {
    if (this.rechecking) return;
    this.rechecking = true;
    try {
      await this.readDirty();
      const rows = new Map(this.dirtyRows.map((r) => [r.workItemId, r]));
      for (const [id, runs] of [...this.waiters]) {
        const row = rows.get(id);
        if (row && row.status !== 'BLOCKED') continue;
        if (this.waiters.get(id) !== runs || this.active.has(id) || this.exclusive.has(id)) continue;
        if (row) {
          this.waiters.delete(id);
          for (const r of runs) endBlocked(r, row);
          continue;
        }
        this.o.log('debug', `Work item ${id} was synced by another process while runs here waited for it; it is queued again for them.`);
        await this.store.dirtyItems.mark(this.project, [id], runs.some((r) => r.files) ? 'attach' : 'manual', { reserve: { owner: this.owner, leaseMs: this.leaseMs } });
      }
    } finally {
      this.rechecking = false;
    }
  }

  private takeWaiters(id: number): Run[] {
    const runs = this.waiters.get(id) ?? [];
    this.waiters.delete(id);
    return runs;
  }

  private planOptions(row: DirtyItemRow | undefined): PlanOptions {
    const s = this.o.settings;
    // An attach carries out the files asked for; the rest of the item waits for its own sync.
    const scope = row && row.reasons.every((r) => r === 'attach') ? 'explicit' : 'all';
    return { policy: s.conflictPolicy, maxDeleteShare: s.maxDeleteShare, force: row?.force ?? false, retryFailed: row?.retryFailed ?? false,
      replace: row?.replace ?? false, now: this.now(), scope };
  }

  /** The tracked work items as last read (see `tracked`). */
  trackedIds(): number[] {
    return this.tracked;
  }

  /** Reads the tracked work items (and keeps them for trackedIds()). */
  async readTracked(): Promise<number[]> {
    const rows = await this.store.trackedItems.list(this.project);
    this.tracked = rows.map((t) => t.workItemId);
    this.checked = new Set(rows.filter((t) => t.lastCheckedAt !== null).map((t) => t.workItemId));
    return this.tracked;
  }

  /**
   * After each item state() is read again within 100 ms, not at once: a whole read per item made a
   * sync of n items cost n reads of n rows (2,000 items: 33 s instead of 1.5 s). A run reads once
   * before it ends, and marks and polls before they return.
   */
  private readDirtySoon(): void {
    if (this.dirtyReadTimer || this.closing.signal.aborted) return;
    this.dirtyReadTimer = setTimeout(() => {
      this.dirtyReadTimer = undefined;
      if (this.closing.signal.aborted) return;
      this.readDirty().catch((error) => this.o.log('warn', `Reading the sync state failed: ${toItemError(error).message}`));
    }, 100);
    this.dirtyReadTimer.unref();
  }

  private async readDirty(): Promise<void> {
    this.dirtyRows = await this.store.dirtyItems.list(this.project);
  }

  /** One timer: the next poll or the next item due after backoff, whichever comes first. */
  private arm(): void {
    void this.armAt().catch((error) => this.o.log('warn', `Sync timer: ${toItemError(error).message}`));
  }

  private async armAt(): Promise<void> {
    if (!this.started || this.closing.signal.aborted) return;
    const due = await this.store.dirtyItems.nextDueAt(this.project);
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.started || this.closing.signal.aborted) return;
    // Shared by several processes, an item a run waits for may be in another's hands (or reserved
    // by this one while another ends its sync): nothing here would wake this process for it.
    const shared = this.store.kind === 'postgres' && this.waiters.size > 0 && !this.paused ? this.now().getTime() + SHARED_RECHECK_MS : undefined;
    const times = [this.nextPollAt?.getTime(), due && !this.paused ? Date.parse(due) : undefined, shared].filter((t): t is number => t !== undefined);
    if (times.length === 0) return;
    const delay = Math.max(0, Math.min(...times) - this.now().getTime());
    this.timer = setTimeout(() => this.tick(), Math.min(delay, 2 ** 31 - 1));
    // A process with nothing else to do may exit, unless a run waits for a retry.
    if (this.waiters.size === 0) this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.store.kind === 'postgres' && this.waiters.size > 0) {
      this.recheckWaiters().catch((error) => this.o.log('warn', `Looking for work items synced elsewhere failed: ${toItemError(error).message}`)).finally(() => this.wake());
    }
    if (this.nextPollAt && this.now() >= this.nextPollAt) {
      this.nextPollAt = new Date(this.now().getTime() + this.jittered(this.pollIntervalMs));
      this.poll().catch((error) => this.o.log('warn', `Background sync failed: ${toItemError(error).message}`)).finally(() => this.arm());
    }
    this.wake();
    this.arm();
  }

  /** Interval ± 10%, so many clients started together do not poll in lockstep. */
  private jittered(ms: number): number {
    return Math.round(ms * (0.9 + 0.2 * this.random()));
  }
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The run asked for an item the max-delete brake holds: it ends there, as blocked. */
function endBlocked(run: Run, row: DirtyItemRow): void {
  const id = row.workItemId;
  const details = row.blockedDetails ?? {};
  run.items.push({ workItemId: id, fileName: `work item ${id}`, direction: 'inbound', status: 'blocked',
    error: { message: `Sync of work item ${id} waits for your confirmation (max-delete brake: ${String(details.removals)} of ${String(details.total)} synced attachments gone from Azure DevOps).`, code: 'MaxDeleteBrake' } });
  run.itemDone(id);
}

function triggerOf(row: DirtyItemRow): RunTrigger {
  const first = row.reasons[0];
  return first === 'webhook' ? 'webhook' : first === 'manual' ? 'manual' : first === 'attach' ? 'attach' : 'poll';
}

