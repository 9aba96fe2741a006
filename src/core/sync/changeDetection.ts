// Which tracked work items changed since the last poll, with as few requests as possible:
// the project's reporting revisions feed from a stored continuation token (one or two requests
// for any number of tracked items), or, where the feed is not available (older servers, missing
// permission), a WIQL query on System.ChangedDate with timePrecision since the stored watermark.
// No stored position yet means "everything tracked" (first sync).
import { AdoError, AuthenticationError, CancelledError, wiqlString, type AdoClient } from '../ado';
import type { SyncStore } from '../store';

export interface ChangeFeedResult {
  /** Tracked ids that changed; undefined = unknown, sync them all. */
  changed?: Set<number>;
  via: 'revisions' | 'wiql' | 'none';
}

type Log = (level: 'info' | 'warn', message: string) => void;

export async function detectChanges(client: AdoClient, store: SyncStore, tracked: readonly number[], startedAt: Date, log: Log, signal?: AbortSignal): Promise<ChangeFeedResult> {
  const project = client.project;
  const position = store.watermarks.get(project);
  try {
    const { ids, token } = await readFeed(client, position?.continuationToken ?? undefined, startedAt, signal);
    store.watermarks.set(project, startedAt.toISOString(), token);
    if (!position?.continuationToken) return { via: 'none' };
    return { changed: intersect(ids, tracked), via: 'revisions' };
  } catch (error) {
    if (!feedUnavailable(error)) throw error;
    log('info', `Reporting revisions are not available here (${(error as Error).message}); using WIQL on System.ChangedDate.`);
  }
  const since = position?.watermark ?? undefined;
  if (!since) {
    store.watermarks.set(project, startedAt.toISOString(), null);
    return { via: 'none' };
  }
  // WIQL compares ChangedDate in whole seconds, and our watermark is a clock of ours: ask from a
  // minute earlier (a re-synced item costs nothing), and keep the server's own asOf as the next one.
  const from = new Date(Date.parse(since) - WIQL_OVERLAP_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const { ids, asOf } = await client.queryWorkItemIds(
    `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.ChangedDate] >= ${wiqlString(from)}`,
    { timePrecision: true, signal });
  store.watermarks.set(project, asOf || startedAt.toISOString(), null);
  return { changed: intersect(ids, tracked), via: 'wiql' };
}

const WIQL_OVERLAP_MS = 60_000;

/** Reads the feed to its end from the token (or from now, to get a first token). */
async function readFeed(client: AdoClient, token: string | undefined, startedAt: Date, signal?: AbortSignal): Promise<{ ids: number[]; token: string | null }> {
  const ids: number[] = [];
  let last: string | null = token ?? null;
  const from = token ? { continuationToken: token } : { startDateTime: startedAt.toISOString() };
  for await (const batch of client.reportingRevisionBatches({ ...from, fields: ['System.Id'], signal })) {
    for (const revision of batch.values) ids.push(revision.id);
    last = batch.continuationToken ?? last;
  }
  return { ids, token: last };
}

function feedUnavailable(error: unknown): boolean {
  if (error instanceof AuthenticationError || error instanceof CancelledError) return false;
  return error instanceof AdoError && (error.status === 403 || error.status === 404 || error.status === 400);
}

function intersect(ids: readonly number[], tracked: readonly number[]): Set<number> {
  const wanted = new Set(tracked);
  return new Set(ids.filter((id) => wanted.has(id)));
}
