// Reading the logs of what the run started, for failure messages.
import { existsSync, readFileSync } from 'node:fs';

export function tailOf(file: string, lines = 40): string {
  if (!existsSync(file)) return `(no ${file})`;
  const text = readFileSync(file, 'utf8').trimEnd().split('\n');
  return [`--- last ${Math.min(lines, text.length)} lines of ${file}`, ...text.slice(-lines)].join('\n');
}
