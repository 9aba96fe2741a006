// Which Explorer badges to repaint after a reload, and in what events (vscode-free, unit-tested).

/**
 * VS Code's extension host caps one change event of a decoration provider at 250 URIs and keeps
 * only one per folder beyond that ("CAPPING events from decorations provider"; _maxEventSize in
 * extHostDecorations of VS Code 1.139): the rest never repaint. Changes go out in events of at most this many.
 */
export const MAX_URIS_PER_EVENT = 250;

/** Paths whose badge appeared, went away or changed (by a key that stands for badge, tooltip and colour). */
export function changedPaths(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const changed: string[] = [];
  for (const [file, key] of after) if (before.get(file) !== key) changed.push(file);
  for (const file of before.keys()) if (!after.has(file)) changed.push(file);
  return changed;
}

/** items in consecutive slices of at most size. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
