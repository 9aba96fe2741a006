// The list of `ado-sync` commands, in the order `help` shows them.
import type { Command } from '../command';
import { dedupCommand } from './dedup';
import { historyCommand } from './history';
import { importBacklogCommand } from './importBacklog';
import { listCommand } from './list';
import { statusCommand } from './status';
import { uploadSessionCommand } from './uploadSession';
import { webhookCommand } from './webhook';

export const commands: readonly Command[] = [
  listCommand,
  statusCommand,
  dedupCommand,
  uploadSessionCommand,
  historyCommand,
  importBacklogCommand,
  webhookCommand,
];
