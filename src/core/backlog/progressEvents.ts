// Progress of an import, named as seed 002's events are (`epic:created`, `feature:created`,
// ..., `sync:complete`, `sync:error`), for the VS Code notification and the CLI progress bar.
import type { BacklogKind } from './typeMapping';

export type ItemOutcome = 'created' | 'updated' | 'unchanged' | 'failed';

export interface ItemProgressEvent {
  type: `${BacklogKind}:${ItemOutcome}`;
  kind: BacklogKind;
  outcome: ItemOutcome;
  ardoqId: string;
  name: string;
  adoId?: number;
  url?: string;
  error?: string;
  /** Items done so far, this one included, and the total to process. */
  done: number;
  total: number;
  dryRun: boolean;
}

export type BacklogProgressEvent =
  | { type: 'sync:started'; historyId?: number; total: number; dryRun: boolean }
  | { type: 'source:loaded'; components: number; skipped: number }
  | { type: 'deletion:progress'; deleted: number; total: number }
  | ItemProgressEvent
  | { type: 'sync:complete'; summary: BacklogImportSummary }
  | { type: 'sync:cancelled'; summary: BacklogImportSummary }
  | { type: 'sync:error'; error: string; summary: BacklogImportSummary };

export type BacklogProgressListener = (event: BacklogProgressEvent) => void;

export interface KindCounters {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

export interface BacklogImportSummary {
  status: 'completed' | 'failed' | 'cancelled';
  historyId?: number;
  dryRun: boolean;
  sourceKey: string;
  project: string;
  overwrite: boolean;
  totalItems: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  byKind: Record<BacklogKind, KindCounters>;
  deletionCount: number;
  deletionFailed: number;
  skippedComponents: number;
  durationMs: number;
  error?: string;
  /** The error class that ended a failed run (e.g. ArdoqAuthError, AuthenticationError). */
  errorName?: string;
}

export function emptyKindCounters(): Record<BacklogKind, KindCounters> {
  const zero = (): KindCounters => ({ created: 0, updated: 0, unchanged: 0, failed: 0 });
  return { epic: zero(), feature: zero(), user_story: zero() };
}
