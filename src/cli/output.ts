// Where the CLI writes: JSON on stdout for --json (the seed's response shapes), readable
// lines otherwise, diagnostics and progress on stderr so that stdout stays parseable.
import type { Writable } from 'node:stream';

export interface CliOutput {
  readonly json: boolean;
  readonly interactive: boolean;
  /** The command's result: JSON when --json, else the human text. */
  result(value: unknown, human: () => string): void;
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

export function createOutput(json: boolean, stdout: Writable & { isTTY?: boolean }, stderr: Writable & { isTTY?: boolean }): CliOutput {
  return {
    json,
    interactive: Boolean(stderr.isTTY) && !json,
    result(value, human) {
      stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
    info(line) {
      if (!json) stderr.write(`${line}\n`);
    },
    warn(line) {
      stderr.write(`warning: ${line}\n`);
    },
    error(line) {
      stderr.write(`error: ${line}\n`);
    },
  };
}
