// What the commands, the tree and the background timer need from the rest of the extension.
// The sync session (syncSession.ts) provides the engine and the store; only the part named here
// is used, so tests and the tree do not depend on how the session opens them.
import type * as vscode from 'vscode';
import type { Connection } from '../connection';
import type { SyncSession } from '../syncSession';
import type { RetryWaits } from '../retryWaits';
import type { TransferTracker } from '../tree/transfers';

/** engine()/store() of the current connection, requireEngine() that explains why there is none, events of every run. */
export type SyncAccess = Pick<SyncSession, 'engine' | 'store' | 'requireEngine' | 'events'>;

export interface CommandDeps {
  readonly connection: Connection;
  readonly sync: SyncAccess;
  readonly transfers: TransferTracker;
  readonly log: vscode.LogOutputChannel;
  readonly memento: vscode.Memento;
  /** The client's retry waits: shown in progress notifications, ended early by a user action. */
  readonly retries: RetryWaits;
  /** The folder attachments are synced with (the chosen one of a multi-root workspace). */
  syncFolder(): vscode.Uri | undefined;
  /** Refreshes the Work Items tree (and the Explorer badges). */
  refresh(): void;
}
