// Plain aligned columns for human output: no colours, no box drawing, so it reads the same in a
// terminal, a CI log and a file.
import { displayText } from '../shared/displayText';

/** Left-aligned columns separated by two spaces; the last column is not padded. Cells are one line each. */
export function table(headers: readonly string[], raw: readonly (readonly string[])[]): string {
  const rows = raw.map((r) => r.map(displayText));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
