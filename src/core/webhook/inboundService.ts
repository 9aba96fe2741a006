// Real-time inbound as one long-lived piece: the webhook receiver queues a sync of the work item
// an event names (tracked items only, debounced, answered 202 before any work), the poll
// scheduler queues a sync of all tracked items on its interval, and the job worker runs them
// without overlap. `ado-sync serve` runs this; the extension can run the same object.
import type { RunTrigger, SyncEngine } from '../sync/engineApi';
import { PollScheduler, type PollSchedulerState, type TimerClock } from '../sync/pollScheduler';
import { startWebhookReceiver, type WebhookReceiver, type WebhookReceiverState } from './receiver';
import type { WebhookSettings } from './settings';
import { SyncQueue, type SyncQueueOptions, type SyncQueueStats } from './syncQueue';

export type InboundLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface InboundServiceOptions {
  engine: Pick<SyncEngine, 'sync' | 'trackedIds'>;
  /** The receiver's settings; no receiver when undefined (poll only). */
  webhook?: WebhookSettings;
  /** 0 turns polling off. */
  pollIntervalMs: number;
  pollJitter?: number;
  /** Item syncs at once (default 2). */
  concurrency?: number;
  log?: InboundLog;
  onRunFinished?: SyncQueueOptions['onRunFinished'];
  clock?: TimerClock;
}

export interface InboundServiceState {
  receiver?: WebhookReceiverState;
  poll: PollSchedulerState & { intervalMs: number };
  queue: SyncQueueStats;
  /** Accepted events about work items this workspace does not track: no sync queued. */
  untrackedEvents: number;
}

export interface InboundService {
  readonly receiver?: WebhookReceiver;
  state(): InboundServiceState;
  /** Queues a sync of one tracked work item as the receiver does (for tests and a manual nudge). */
  queueItem(workItemId: number, trigger?: RunTrigger): void;
  /**
   * A sync of all tracked items through the same worker, so it never overlaps a webhook run
   * (for a host that keeps its own timer or a "Sync All" command); resolves when it has run.
   */
  runAll(trigger?: RunTrigger): Promise<void>;
  /** Stops the receiver, then the poll and the worker, waiting for the runs in flight. */
  stop(): Promise<void>;
}

export async function startInboundService(o: InboundServiceOptions): Promise<InboundService> {
  const log: InboundLog = o.log ?? (() => undefined);
  const queue = new SyncQueue({ engine: o.engine, concurrency: o.concurrency, log, onRunFinished: o.onRunFinished });
  const poller = new PollScheduler({
    intervalMs: o.pollIntervalMs,
    jitter: o.pollJitter,
    clock: o.clock,
    run: () => queue.runAll('poll'),
    onError: (e) => log('error', `poll failed: ${e instanceof Error ? e.message : String(e)}`),
  });
  let untrackedEvents = 0;
  const queueItem = (workItemId: number, trigger: RunTrigger = 'webhook'): void => {
    // Events arrive for the whole project; only tracked items are mirrored here.
    if (!o.engine.trackedIds().includes(workItemId)) {
      untrackedEvents++;
      return;
    }
    queue.enqueueItem(workItemId, trigger);
  };
  const receiver = o.webhook
    ? await startWebhookReceiver(o.webhook, (id) => queueItem(id), (m) => log('warn', m))
    : undefined;
  poller.start();
  let stopping: Promise<void> | undefined;
  return {
    receiver,
    queueItem,
    runAll: (trigger = 'manual') => queue.runAll(trigger),
    state: () => ({
      receiver: receiver?.state(),
      poll: { ...poller.state(), intervalMs: o.pollIntervalMs },
      queue: queue.stats(),
      untrackedEvents,
    }),
    stop: () => {
      stopping ??= (async () => {
        // No new events first, then no new polls; the worker finishes or checkpoints its runs.
        await receiver?.close();
        await Promise.all([poller.stop(), queue.close()]);
      })();
      return stopping;
    },
  };
}

/** Lines for the CLI and the status bar tooltip; no secrets (the state holds none). */
export function describeInboundState(s: InboundServiceState): string[] {
  const lines: string[] = [];
  const r = s.receiver;
  if (!r) lines.push('Webhook receiver: off (poll only)');
  else {
    lines.push(`Webhook receiver: ${r.listening ? `listening on ${r.url ?? r.address ?? '?'}` : 'stopped'}`);
    lines.push(`Last event: ${r.lastEventAt ? r.lastEventAt.toISOString() : 'none yet'}`);
    const why = Object.entries(r.rejections).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
    lines.push(`Events: ${r.accepted} accepted, ${r.rejected} rejected${why ? ` (${why})` : ''}, ${r.duplicates} duplicate, ${r.ignored} ignored, ${s.untrackedEvents} untracked`);
  }
  const p = s.poll;
  lines.push(p.enabled
    ? `Poll: every ${Math.round(p.intervalMs / 1000)} s${p.nextRunAt ? `, next at ${new Date(p.nextRunAt).toISOString()}` : ''}${p.running ? ' (running)' : ''}`
    : 'Poll: off');
  const q = s.queue;
  lines.push(`Sync runs: ${q.completedRuns} completed, ${q.failedRuns} failed, ${q.running} running, ${q.queued} queued${q.lastError ? `; last error: ${q.lastError}` : ''}`);
  return lines;
}
