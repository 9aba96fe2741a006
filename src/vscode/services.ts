// What the features of the extension share, made once by activate() and passed to each
// register…/create… function (no module-level state).
import type * as vscode from 'vscode';
import type { Connection } from './connection';
import type { RetryWaits } from './retryWaits';
import type { SyncFolder } from './syncFolder';
import type { SyncSession } from './syncSession';

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** The workspace folder that is synced (one of a multi-root workspace). */
  readonly folder: SyncFolder;
  readonly connection: Connection;
  /** The store and the engine of the current connection, and their events. */
  readonly session: SyncSession;
  /** The client's waits before a retry: shown while Azure DevOps does not answer, ended by a user action. */
  readonly retries: RetryWaits;
}
