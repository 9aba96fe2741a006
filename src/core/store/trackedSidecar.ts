// The tracked work items kept beside the database in `<db>.tracked.json`: the one thing a damaged
// database cannot be rebuilt from Azure DevOps alone (attachment records come back from the
// [sha256:…] markers in relation comments; which items this workspace follows does not).
import * as fs from 'node:fs';
import { writeFileAtomic } from './atomicWrite';
import { trackedSidecarName } from './errors';
import type { TrackedItemRow } from './repositories/trackedItems';

export type TrackedEntry = Pick<TrackedItemRow, 'workItemId' | 'projectName' | 'title' | 'localFolder' | 'addedAt'>;

interface SidecarFile { version: 1; items: TrackedEntry[] }

export function writeTrackedSidecar(dbPath: string, rows: readonly TrackedItemRow[]): void {
  const file: SidecarFile = {
    version: 1,
    items: rows.map(({ workItemId, projectName, title, localFolder, addedAt }) => ({ workItemId, projectName, title, localFolder, addedAt })),
  };
  writeFileAtomic(trackedSidecarName(dbPath), Buffer.from(`${JSON.stringify(file, null, 1)}\n`));
}

/** The entries of the sidecar; none when it is missing. An unreadable sidecar is said, not fatal. */
export function readTrackedSidecar(dbPath: string, log: (m: string) => void): TrackedEntry[] {
  const file = trackedSidecarName(dbPath);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log(`Tracked work items could not be read from ${file}: ${(e as Error).message}`);
    return [];
  }
  try {
    const parsed = JSON.parse(text) as Partial<SidecarFile>;
    if (parsed.version !== 1 || !Array.isArray(parsed.items)) throw new Error('unknown format');
    return parsed.items.filter(isEntry);
  } catch (e) {
    log(`Tracked work items could not be read from ${file}: ${(e as Error).message}`);
    return [];
  }
}

function isEntry(v: unknown): v is TrackedEntry {
  const e = v as Partial<TrackedEntry> | null;
  return typeof e === 'object' && e !== null && Number.isSafeInteger(e.workItemId) && (e.workItemId ?? 0) > 0
    && typeof e.projectName === 'string' && typeof e.addedAt === 'string';
}
