/**
 * The sync planner: per (work item, file name), compares the local file, the ADO relations and the
 * last-synced state and returns the actions a run would take. Pure: no I/O, so --dry-run is this list.
 */
export interface FileState {
  workItemId: number;
  fileName: string;
  /** sha256 of the local mirror file, undefined when absent. */
  localSha256?: string;
  /** sha256 markers of ADO relations with this name, empty when none. */
  remoteSha256s: readonly string[];
  /** sha256 recorded at the last successful sync, undefined when never synced. */
  syncedSha256?: string;
}

export type PlannedAction =
  | { kind: 'upload'; workItemId: number; fileName: string; sha256: string; reason: 'new' | 'changed' }
  | { kind: 'download'; workItemId: number; fileName: string; sha256: string }
  | { kind: 'conflict'; workItemId: number; fileName: string; localSha256: string; remoteSha256: string }
  | { kind: 'markRemoteRemoved'; workItemId: number; fileName: string }
  | { kind: 'skip'; workItemId: number; fileName: string; reason: 'in-sync' | 'duplicate' };

export function planFile(s: FileState): PlannedAction {
  const base = { workItemId: s.workItemId, fileName: s.fileName };
  const { localSha256: local, syncedSha256: synced, remoteSha256s: remote } = s;
  if (local !== undefined && remote.includes(local)) return { kind: 'skip', ...base, reason: local === synced ? 'in-sync' : 'duplicate' };
  const remoteNew = remote.find((h) => h !== synced);
  if (local === undefined) {
    if (remoteNew !== undefined) return { kind: 'download', ...base, sha256: remoteNew };
    if (synced !== undefined && remote.length === 0) return { kind: 'markRemoteRemoved', ...base };
    return { kind: 'skip', ...base, reason: 'in-sync' };
  }
  const localChanged = local !== synced;
  if (remoteNew !== undefined && localChanged && synced !== undefined) {
    // Both sides changed since the last sync: keep both, the remote one under a conflict name.
    return { kind: 'conflict', ...base, localSha256: local, remoteSha256: remoteNew };
  }
  if (remoteNew !== undefined && !localChanged) return { kind: 'download', ...base, sha256: remoteNew };
  if (synced !== undefined && remote.length === 0 && !localChanged) return { kind: 'markRemoteRemoved', ...base };
  return { kind: 'upload', ...base, sha256: local, reason: synced === undefined ? 'new' : 'changed' };
}

export function planSync(states: readonly FileState[]): PlannedAction[] {
  return states.map(planFile);
}
