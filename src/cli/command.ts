// The shape of one `ado-sync` command. Each command lives in its own file under commands/.
import type { ParseArgsConfig } from 'node:util';
import type { ExitCodeValue } from './exitCodes';
import type { CliOutput } from './output';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
  readonly values: OptionValues;
  readonly positionals: string[];
  readonly output: CliOutput;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Aborted on SIGINT/SIGTERM: commands finish or checkpoint the item in flight. */
  readonly signal: AbortSignal;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Arguments after the command name, e.g. "<file...> --work-item <id>". */
  readonly usage: string;
  readonly options: OptionSpecs;
  run(context: CommandContext): Promise<ExitCodeValue>;
}

/** Options every command accepts. Secrets are never flags: they would show in process lists. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  'org-url': { type: 'string' },
  project: { type: 'string' },
  'api-version': { type: 'string' },
  db: { type: 'string' },
  'database-url': { type: 'string' },
  storage: { type: 'string' },
};
