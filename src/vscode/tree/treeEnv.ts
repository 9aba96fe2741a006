// What tree nodes read to load their children.
import type * as vscode from 'vscode';
import type { SyncAccess } from '../commands/deps';
import type { Connection } from '../connection';
import type { TransferTracker } from './transfers';

export interface TreeEnv {
  readonly connection: Connection;
  readonly sync: SyncAccess;
  readonly transfers: TransferTracker;
  readonly log: vscode.LogOutputChannel;
}
