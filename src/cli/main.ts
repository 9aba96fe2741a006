// Entry point of the headless `ado-sync` CLI; it runs the same core as the extension.
import { version } from '../../package.json';
import { commandUsage, didYouMean, parseCommandLine } from './commandLine';
import { commands } from './commands';
import { CliError, ExitCode, type ExitCodeValue } from './exitCodes';
import { createOutput, type CliOutput, type CliStream } from './output';
import { errorMessage } from '../core/errorMessage';

function usage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `ado-sync ${version}: keep files attached to Azure DevOps work items in sync.

Usage: ado-sync <command> [options]
       ado-sync help <command>

Commands:
${lines.join('\n')}

Options for every command:
  --org-url <url>      organization or collection URL (AZDO_ORG_URL)
  --project <name>     project (AZDO_PROJECT)
  --api-version <v>    auto, 7.1, 7.0, 6.0 or 5.0 (AZDO_API_VERSION)
  --db <path>          state database (ATTACHMENT_SYNC_DB_PATH)
  --storage <path>     mirror folder (ATTACHMENT_STORAGE_PATH)
  --json               machine-readable output on stdout
The personal access token is read from AZDO_PAT, never from a flag.
Exit codes: 0 all good, 1 some item failed, 2 usage, configuration or authentication error.
`;
}

/** Where a run reads and writes; the process's own unless a test runs main() in-process. */
export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  cwd: string;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal, io: Partial<CliIo> = {}): Promise<ExitCodeValue> {
  const { stdout = process.stdout, stderr = process.stderr, cwd = process.cwd() } = io;
  const [name, ...rest] = argv;
  if (name === 'help' && rest.length > 0) return help(rest[0], stdout, stderr);
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    stdout.write(usage());
    return ExitCode.ok;
  }
  if (name === 'version' || name === '--version') {
    stdout.write(`${version}\n`);
    return ExitCode.ok;
  }
  const command = commands.find((candidate) => candidate.name === name);
  const json = rest.includes('--json');
  const output = createOutput(json, stdout, stderr);
  if (!command) {
    output.error(unknownCommand(name));
    return ExitCode.usage;
  }
  try {
    const { values, positionals } = parseCommandLine(command, rest);
    if (values.help) {
      stdout.write(commandUsage(command));
      return ExitCode.ok;
    }
    return await command.run({ values, positionals, output, env, cwd, signal: signal ?? new AbortController().signal });
  } catch (error) {
    return reportFailure(error, output);
  }
}

function unknownCommand(name: string): string {
  return `unknown command "${name}"${didYouMean(name, commands.map((c) => c.name))}. Run "ado-sync help" for the list.`;
}

/** `ado-sync help <command>`: that command's usage. */
function help(name: string, stdout: CliStream, stderr: CliStream): ExitCodeValue {
  const command = commands.find((candidate) => candidate.name === name);
  if (command) {
    stdout.write(commandUsage(command));
    return ExitCode.ok;
  }
  createOutput(false, stdout, stderr).error(unknownCommand(name));
  return ExitCode.usage;
}

function reportFailure(error: unknown, output: CliOutput): ExitCodeValue {
  const { message, exitCode } = failureOf(error);
  output.error(message);
  // Scripts reading --json get an answer on stdout too, in the seed's {success, message} form.
  // A failure after the answer (saving the database at the end) is on stderr and in the exit code.
  if (output.json && !output.hasResult) output.result({ success: false, message: message.split('\n')[0], exitCode }, () => '');
  return exitCode;
}

function failureOf(error: unknown): { message: string; exitCode: ExitCodeValue } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  return { message: errorMessage(error), exitCode: ExitCode.itemFailed };
}

/** Runs when the bundle is executed as a program, not when tests import it. */
if (require.main === module) {
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  void main(process.argv.slice(2), process.env, controller.signal).then((code) => {
    process.exitCode = code;
  });
}
