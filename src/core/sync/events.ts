import { EventEmitter } from 'node:events';

/** Events for the UI, the counterpart of the seed's SSE events. */
export interface SyncEventMap {
  runStarted: { runId: string; trigger: string; totalItems: number };
  itemProgress: { runId: string; fileName: string; workItemId: number; bytes: number; total: number };
  itemDone: { runId: string; fileName: string; workItemId: number; status: 'synced' | 'skipped' | 'failed'; error?: string };
  runFinished: { runId: string; status: 'completed' | 'failed' | 'cancelled'; succeeded: number; failed: number; skipped: number };
}

export type SyncEventName = keyof SyncEventMap;

/** A typed wrapper over EventEmitter; a throwing listener never breaks the sync. */
export class SyncEvents {
  private readonly emitter = new EventEmitter();

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
