// Where the CLI writes: JSON on stdout for --json (the seed's response shapes), readable
// lines otherwise, diagnostics and progress on stderr so that stdout stays parseable. Every
// text passes displayText here: names from Azure DevOps never reach the terminal raw.
import type { Writable } from 'node:stream';
import { displayJson, displayLines, displayText } from '../shared/displayText';

export type CliStream = Writable & { isTTY?: boolean };

export interface CliOutput {
  readonly json: boolean;
  readonly interactive: boolean;
  /** A result was written to stdout already (a failure after it must not write a second JSON answer). */
  readonly hasResult: boolean;
  /** The command's result: JSON when --json, else the human text. */
  result(value: unknown, human: () => string): void;
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
  /** Redraws the one progress line on an interactive stderr; does nothing otherwise. */
  progress(line: string): void;
}

export function createOutput(json: boolean, stdout: CliStream, stderr: CliStream): CliOutput {
  const interactive = Boolean(stderr.isTTY) && !json;
  // A progress line is open until the next ordinary line, which must start on a line of its own.
  let progressOpen = false;
  let hasResult = false;
  const line = (text: string) => {
    if (progressOpen) stderr.write('\n');
    progressOpen = false;
    stderr.write(`${displayLines(text)}\n`);
  };
  return {
    json,
    interactive,
    get hasResult() { return hasResult; },
    result(value, human) {
      if (progressOpen) stderr.write('\n');
      progressOpen = false;
      hasResult = true;
      stdout.write(json ? `${displayJson(JSON.stringify(value, null, 2))}\n` : `${displayLines(human())}\n`);
    },
    info(text) {
      if (!json) line(text);
    },
    warn(text) {
      line(`warning: ${text}`);
    },
    error(text) {
      line(`error: ${text}`);
    },
    progress(text) {
      if (!interactive) return;
      // \x1b[K clears what a longer earlier line left behind.
      stderr.write(`\r${displayText(text)}\x1b[K`);
      progressOpen = true;
    },
  };
}
