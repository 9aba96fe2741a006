// Real-time inbound as one long-lived piece: the webhook receiver marks the work item an event
// names dirty (tracked items only, answered 202 before any work) and the engine's coordinator,
// which also polls the change feed on its interval, syncs it. Nothing here schedules: the
// coordinator is the one scheduler. `ado-sync serve` runs this; the extension hosts the same.
import type { RequestListener } from 'node:http';
import type { CoordinatorState, RunSummary, SyncEngine } from '../sync/engineApi';
import { UNRECORDED_RUN } from '../sync/runRecorder';
import { startWebhookReceiver, type WebhookReceiver, type WebhookReceiverState } from './receiver';
import type { WebhookSettings } from './settings';

export type InboundLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface InboundServiceOptions {
  engine: Pick<SyncEngine, 'markDirty' | 'trackedIds' | 'start' | 'setPollInterval' | 'state' | 'events'>;
  /** The receiver's settings; no receiver when undefined (poll only). */
  webhook?: WebhookSettings;
  /** The coordinator's poll interval (0 = off); undefined leaves polling to the host (the extension's background sync). */
  pollIntervalMs?: number;
  log?: InboundLog;
  /** Told about every finished sync run, e.g. to print it. */
  onRunFinished?: (summary: RunSummary) => void;
  /** Answers every other path on the receiver's port (the HTTP API of `ado-sync serve`). */
  otherRoutes?: RequestListener;
}

export interface InboundServiceState {
  receiver?: WebhookReceiverState;
  poll: { enabled: boolean; intervalMs: number; lastCheckedAt?: Date; nextRunAt?: Date };
  sync: Pick<CoordinatorState, 'active' | 'dirty' | 'blocked' | 'paused'>;
  runs: { completed: number; failed: number; lastError?: string };
  /** Accepted events about work items this workspace does not track: nothing marked. */
  untrackedEvents: number;
}

export interface InboundService {
  readonly receiver?: WebhookReceiver;
  state(): InboundServiceState;
  /** Marks one tracked work item as the receiver does (for tests and a manual nudge). */
  queueItem(workItemId: number): void;
  /** Stops the receiver and the poll; the coordinator (the engine's) finishes its items when the engine closes. */
  stop(): Promise<void>;
}

export async function startInboundService(o: InboundServiceOptions): Promise<InboundService> {
  const log: InboundLog = o.log ?? (() => undefined);
  let untrackedEvents = 0;
  const runs: InboundServiceState['runs'] = { completed: 0, failed: 0 };
  const unsubscribe = o.engine.events.on('runFinished', (e) => {
    if (e.runId === UNRECORDED_RUN) return;
    if (e.status === 'failed') {
      runs.failed++;
      runs.lastError = e.summary.error?.message ?? e.summary.items.find((i) => i.error)?.error?.message;
    } else runs.completed++;
    o.onRunFinished?.(e.summary);
  });
  const queueItem = (workItemId: number): void => {
    // Events arrive for the whole project; only tracked items are mirrored here.
    if (!o.engine.trackedIds().includes(workItemId)) {
      untrackedEvents++;
      return;
    }
    o.engine.markDirty([workItemId], 'webhook');
  };
  let receiver: WebhookReceiver | undefined;
  try {
    receiver = o.webhook ? await startWebhookReceiver(o.webhook, (id) => queueItem(id), (m) => log('warn', m), o.otherRoutes) : undefined;
  } catch (error) {
    unsubscribe();
    throw error;
  }
  if (o.pollIntervalMs !== undefined) o.engine.start({ pollIntervalMs: o.pollIntervalMs });
  let stopping: Promise<void> | undefined;
  return {
    receiver,
    queueItem,
    state: () => {
      const s = o.engine.state();
      return {
        receiver: receiver?.state(),
        poll: { enabled: s.nextPollAt !== undefined, intervalMs: o.pollIntervalMs ?? 0, lastCheckedAt: s.lastCheckedAt, nextRunAt: s.nextPollAt },
        sync: { active: s.active, dirty: s.dirty, blocked: s.blocked, paused: s.paused },
        runs: { ...runs },
        untrackedEvents,
      };
    },
    stop: () => {
      stopping ??= (async () => {
        unsubscribe();
        await receiver?.close();
        if (o.pollIntervalMs !== undefined) o.engine.setPollInterval(0);
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
    ? `Poll: ${p.intervalMs > 0 ? `every ${Math.round(p.intervalMs / 1000)} s` : 'on'}${p.lastCheckedAt ? `, last checked ${p.lastCheckedAt.toISOString()}` : ''}${p.nextRunAt ? `, next at ${p.nextRunAt.toISOString()}` : ''}`
    : 'Poll: off');
  const q = s.sync;
  const blocked = q.blocked.length > 0 ? `, ${q.blocked.length} blocked (max-delete brake: ${q.blocked.map((b) => `#${b.workItemId}`).join(', ')})` : '';
  lines.push(`Sync: ${q.active} work item(s) syncing, ${q.dirty} waiting${blocked}${q.paused ? `; paused: ${q.paused}` : ''}`);
  lines.push(`Sync runs: ${s.runs.completed} completed, ${s.runs.failed} failed${s.runs.lastError ? `; last error: ${s.runs.lastError}` : ''}`);
  return lines;
}
