// The list of `ado-sync` commands, in the order `help` shows them.
import type { Command } from '../command';
import { attachCommand } from './attach';
import { dedupCommand } from './dedup';
import { deleteCommand } from './delete';
import { downloadCommand } from './download';
import { historyCommand } from './history';
import { importBacklogCommand } from './importBacklog';
import { linkCommand } from './link';
import { listCommand } from './list';
import { serveCommand } from './serve';
import { statusCommand } from './status';
import { syncCommand } from './sync';
import { tokenCommand } from './token';
import { trackCommand } from './track';
import { untrackCommand } from './untrack';
import { uploadSessionCommand } from './uploadSession';
import { webhookCommand } from './webhook';

export const commands: readonly Command[] = [
  attachCommand,
  linkCommand,
  listCommand,
  syncCommand,
  statusCommand,
  downloadCommand,
  deleteCommand,
  trackCommand,
  untrackCommand,
  dedupCommand,
  uploadSessionCommand,
  historyCommand,
  importBacklogCommand,
  serveCommand,
  webhookCommand,
  tokenCommand,
];
