import { EventEmitter } from 'node:events';
import type { ItemOutcome, RunSummary, RunTrigger } from './engineApi';

/** Events for the UI (status bar, tree, history view, CLI progress bar): the seed's SSE events. */
export interface SyncEventMap {
  /** runId is the sync_history id. totalItems is what the run planned (it can grow while it runs). */
  runStarted: { runId: number; trigger: RunTrigger; totalItems: number; workItemIds: readonly number[] };
  /** The run knows how many items it will report (after planning, for a sync). */
  runPlanned: { runId: number; totalItems: number };
  itemProgress: { runId: number; fileName: string; workItemId: number; direction: 'outbound' | 'inbound'; bytes: number; total: number };
  itemDone: { runId: number; fileName: string; workItemId: number; status: ItemOutcome['status']; error?: string; outcome: ItemOutcome };
  /** runId -1: a run with nothing to do, not recorded in history (its runStarted was never sent). */
  runFinished: { runId: number; status: RunSummary['status']; succeeded: number; failed: number; skipped: number; summary: RunSummary };
}

export type SyncEventName = keyof SyncEventMap;

/** A typed wrapper over EventEmitter; a throwing listener never breaks the sync. */
export class SyncEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every view and the status bar listen; that is not a leak.
    this.emitter.setMaxListeners(100);
  }

  on<K extends SyncEventName>(name: K, listener: (event: SyncEventMap[K]) => void): () => void {
    const safe = (event: SyncEventMap[K]): void => {
      try { listener(event); } catch { /* UI listener errors must not fail a sync */ }
    };
    this.emitter.on(name, safe);
    return () => { this.emitter.off(name, safe); };
  }

  emit<K extends SyncEventName>(name: K, event: SyncEventMap[K]): void {
    this.emitter.emit(name, event);
  }
}
