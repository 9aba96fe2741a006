// Where an import records its history (seed 002: sync_history, sync_history_items, audit_logs).
// The importer talks to this small interface; storeHistory.ts adapts it to the store. Every call
// goes through SafeHistory: a history failure is logged and never fails the import.
import type { BacklogKind } from './typeMapping';
import { errorMessage } from '../errorMessage';

export type RunStatus = 'pending' | 'in_progress' | 'completed' | 'failed' | 'cancelled';
export type AuditAction = 'sync_started' | 'sync_completed' | 'sync_failed' | 'sync_cancelled';

/** Who started the run, for audit_logs (the seed's source_ip/user_agent become local facts). */
export interface RunOrigin {
  userAgent: string;
  host?: string;
  userName?: string;
  clientVersion?: string;
}

export interface RunStart {
  sourceType: 'ardoq' | 'file';
  /** Ardoq workspace id or the file's source key. */
  sourceConfigId: string;
  targetType: 'azure_devops';
  /** Organization URL + project. */
  targetConfigId: string;
  projectName: string;
  overwriteMode: boolean;
  totalItems: number;
  startedAt: Date;
  origin: RunOrigin;
}

export interface ItemRecord {
  ardoqId: string;
  itemName: string;
  itemType: BacklogKind;
  status: 'created' | 'updated' | 'unchanged' | 'failed';
  azureDevopsId?: number;
  azureDevopsUrl?: string;
  errorMessage?: string;
}

export interface RunEnd {
  status: 'completed' | 'failed' | 'cancelled';
  completedAt: Date;
  durationMs: number;
  errorMessage?: string;
  /** Summary for the audit entry's details. */
  details: Record<string, unknown>;
}

export interface BacklogHistory {
  /** Creates the run (status pending) and the sync_started audit entry; returns its id. */
  start(run: RunStart): Promise<number> | number;
  markInProgress(id: number): Promise<void> | void;
  /** Adds to deletion_count (after each deleted chunk). */
  addDeletions(id: number, count: number): Promise<void> | void;
  /** The item row, and the run's counters incremented (items_* and the per-type ones). */
  recordItem(id: number, item: ItemRecord): Promise<void> | void;
  finish(id: number, end: RunEnd, origin: RunOrigin): Promise<void> | void;
}

export type HistoryLogger = (message: string) => void;

/** Runs each history call, logs its failure, and carries on (seed 002 §4). */
export class SafeHistory {
  #id: number | undefined;
  constructor(
    private readonly history: BacklogHistory | undefined,
    private readonly log: HistoryLogger,
  ) {}

  get id(): number | undefined {
    return this.#id;
  }

  async start(run: RunStart): Promise<number | undefined> {
    const history = this.history;
    if (!history) return undefined;
    this.#id = await this.attempt('start the run', async () => history.start(run));
    return this.#id;
  }

  markInProgress(): Promise<void> {
    return this.call('mark the run in progress', (h, id) => h.markInProgress(id));
  }

  addDeletions(count: number): Promise<void> {
    return this.call('count deletions', (h, id) => h.addDeletions(id, count));
  }

  recordItem(item: ItemRecord): Promise<void> {
    return this.call(`record item ${item.ardoqId}`, (h, id) => h.recordItem(id, item));
  }

  finish(end: RunEnd, origin: RunOrigin): Promise<void> {
    return this.call('finish the run', (h, id) => h.finish(id, end, origin));
  }

  private async call(what: string, fn: (history: BacklogHistory, id: number) => Promise<void> | void): Promise<void> {
    const history = this.history;
    const id = this.#id;
    if (!history || id === undefined) return;
    await this.attempt(what, async () => fn(history, id));
  }

  private async attempt<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (error) {
      this.log(`History: could not ${what}: ${errorMessage(error)}`);
      return undefined;
    }
  }
}
