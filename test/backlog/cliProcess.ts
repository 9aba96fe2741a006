// Runs the real CLI frame (src/cli/main.ts) with import-backlog added to its command list, as a
// child process: what dist/cli.js does once the command is registered in commands/index.ts.
import type { Command } from '../../src/cli/command';
import { commands } from '../../src/cli/commands';
import { importBacklogCommand } from '../../src/cli/commands/importBacklog';
import { main } from '../../src/cli/main';

if (!commands.some((c) => c.name === importBacklogCommand.name)) (commands as Command[]).push(importBacklogCommand);
const controller = new AbortController();
const stop = () => controller.abort(new Error('interrupted'));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
void main(process.argv.slice(2), process.env, controller.signal).then((code) => {
  process.exitCode = code;
});
