// Reading command arguments: work item ids, one positional, enumerations; a bad value is a
// usage error (exit 2) that names the argument.
import type { OptionValues } from './command';
import { didYouMean } from './commandLine';
import { CliError } from './exitCodes';

/** A work item id: a positive whole number. */
export function workItemId(raw: string | undefined, what: string): number {
  const text = raw?.trim() ?? '';
  const id = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new CliError(`${what} must be a work item id, a positive whole number; got "${raw ?? ''}".`);
  return id;
}

/** The --work-item option, required. */
export function workItemOption(values: OptionValues): number {
  const value = values['work-item'];
  if (value === undefined) throw new CliError('--work-item <id> is required.');
  return workItemId(typeof value === 'string' ? value : undefined, '--work-item');
}

/** The one positional argument the command takes. */
export function onePositional(positionals: readonly string[], name: string): string {
  if (positionals.length !== 1) throw new CliError(`expected exactly one ${name}; got ${positionals.length === 0 ? 'none' : positionals.join(' ')}.`);
  return positionals[0];
}

/** Work item ids given as positionals, at least one. */
export function workItemIds(positionals: readonly string[], what: string): number[] {
  if (positionals.length === 0) throw new CliError(`give at least one ${what}.`);
  return [...new Set(positionals.map((p) => workItemId(p, 'Each argument')))];
}

/** A value out of a fixed list, or undefined when the option is absent. */
export function oneOfOption<T extends string>(values: OptionValues, name: string, allowed: readonly T[]): T | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw new CliError(`--${name} must be one of ${allowed.join(', ')}; got "${String(value)}"${didYouMean(String(value), allowed)}.`);
  return value as T;
}
