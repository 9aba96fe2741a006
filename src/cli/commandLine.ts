// Reading a command's options and positionals with node's parseArgs, with our own messages:
// a negative number is an argument (so the command says why it is wrong), and an unknown or
// misused option is named with the closest one the command has.
import { parseArgs } from 'node:util';
import { GLOBAL_OPTIONS, type Command, type OptionSpecs, type OptionValues } from './command';
import { CliError } from './exitCodes';
import { errorMessage } from '../core/errorMessage';
import { didYouMean } from '../shared/didYouMean';

export { didYouMean };

export interface CommandLine {
  values: OptionValues;
  positionals: string[];
}

const NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/;

/** The command's options and the ones every command takes. */
function optionsOf(command: Command): OptionSpecs {
  return { ...GLOBAL_OPTIONS, ...command.options };
}

/**
 * parseArgs reads "-5" as an option. A negative number after a string option becomes that
 * option's value (--limit=-5); anywhere else it is a positional, put after "--".
 */
function numbersAsValues(args: readonly string[], options: OptionSpecs): string[] {
  const out: string[] = [];
  const negatives: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      negatives.push(...args.slice(i + 1));
      break;
    }
    const next = args[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else if (NEGATIVE_NUMBER.test(arg)) {
      negatives.push(arg);
    } else {
      out.push(arg);
    }
  }
  return negatives.length ? [...out, '--', ...negatives] : out;
}

export function parseCommandLine(command: Command, args: readonly string[]): CommandLine {
  const options = optionsOf(command);
  try {
    const { values, positionals } = parseArgs({ args: numbersAsValues(args, options), options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (error) {
    throw new CliError(`${optionProblem(error, options)}\n\n${commandUsage(command)}`);
  }
}

/** parseArgs' error as we say it; its own text suggests "--" tricks that do not apply here. */
function optionProblem(error: unknown, options: OptionSpecs): string {
  const message = errorMessage(error);
  const code = (error as { code?: string }).code;
  const quoted = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const names = Object.keys(options).map((name) => `--${name}`);
    return `unknown option ${quoted}${didYouMean(quoted, names)}.`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(message)) return `${quoted} takes no value.`;
    if (/ambiguous/.test(message)) return `${quoted} needs a value, and the next argument is an option. For a value starting with "-", write ${quoted}=<value>.`;
    return `${quoted} needs a value.`;
  }
  throw error;
}

export function commandUsage(command: Command): string {
  return `Usage: ado-sync ${command.name} ${command.usage}\n\n${command.summary}\n`;
}
