// Which tracked work items changed since the last poll, with as few requests as possible:
// the project's reporting revisions feed from a stored continuation token (one or two requests
// for any number of tracked items), or, where the feed is not available (older servers, missing
// permission), a WIQL query on System.ChangedDate with timePrecision since the stored watermark.
// No stored position yet means "everything tracked" (first sync). Nothing is written here: the
// coordinator stores the new position in the same transaction as the dirty marks of what changed.
import { AdoError, AuthenticationError, CancelledError, wiqlString, type AdoClient } from '../ado';

/** Where the feed was read up to; stored together with the dirty marks of what it found. */
export interface FeedPosition {
  watermark: string | null;
  continuationToken: string | null;
}

export interface ChangeFeedResult {
  /** Tracked ids that changed; undefined = unknown (first read), sync them all. */
  changed?: Set<number>;
  via: 'revisions' | 'wiql' | 'none';
  /** The position after this read. The caller persists it only with the marks of `changed`. */
  position: FeedPosition;
}

type Log = (level: 'info' | 'warn', message: string) => void;

/** Reads the changes since `position`; writes nothing (the feed moves on only past what is marked dirty). */
export async function detectChanges(client: AdoClient, position: FeedPosition | undefined, tracked: readonly number[], startedAt: Date, log: Log, signal?: AbortSignal): Promise<ChangeFeedResult> {
  try {
    const { ids, token } = await readFeed(client, position?.continuationToken ?? undefined, startedAt, signal);
    const next = { watermark: startedAt.toISOString(), continuationToken: token };
    if (!position?.continuationToken) return { via: 'none', position: next };
    return { changed: intersect(ids, tracked), via: 'revisions', position: next };
  } catch (error) {
    if (!feedUnavailable(error)) throw error;
    log('info', `Reporting revisions are not available here (${(error as Error).message}); using WIQL on System.ChangedDate.`);
  }
  const since = position?.watermark ?? undefined;
  if (!since) return { via: 'none', position: { watermark: startedAt.toISOString(), continuationToken: null } };
  // WIQL compares ChangedDate in whole seconds, and our watermark is a clock of ours: ask from a
  // minute earlier (a re-synced item costs nothing), and keep the server's own asOf as the next one.
  const from = new Date(Date.parse(since) - WIQL_OVERLAP_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const { ids, asOf } = await client.queryWorkItemIds(
    `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.ChangedDate] >= ${wiqlString(from)}`,
    { timePrecision: true, signal });
  return { changed: intersect(ids, tracked), via: 'wiql', position: { watermark: asOf || startedAt.toISOString(), continuationToken: null } };
}

const WIQL_OVERLAP_MS = 60_000;

/** Reads the feed to its end from the token (or from now, to get a first token). */
async function readFeed(client: AdoClient, token: string | undefined, startedAt: Date, signal?: AbortSignal): Promise<{ ids: number[]; token: string | null }> {
  const ids: number[] = [];
  let last: string | null = token ?? null;
  const from = token ? { continuationToken: token } : { startDateTime: startedAt.toISOString() };
  // Deleted work items too: a tracked item removed in ADO is then said, not silently kept.
  for await (const batch of client.reportingRevisionBatches({ ...from, fields: ['System.Id'], includeDeleted: true, signal })) {
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
