// The sync engine for the commands that move or record attachments (attach, link, sync,
// download, delete, track, untrack), and how their run summaries read and end. Kept apart from
// session.ts so that the reporting commands never load the engine.
import os from 'node:os';
import { version } from '../../package.json';
import { StoreWriteError } from '../core/store';
import type { ItemError, ItemOutcome, RunSummary, SyncEngine } from '../core/sync/engineApi';
import { createSyncEngine } from '../core/sync/syncEngine';
import type { CommandContext } from './command';
import { ExitCode, type ExitCodeValue } from './exitCodes';
import type { CliOutput } from './output';
import { formatBytes } from '../shared/format';
import { checkConnection, CREDENTIAL_HINT } from './connectionCheck';
import type { AdoClient } from '../core/ado';
import type { SyncSettings } from '../core/settings';
import type { SyncDb } from '../core/store/syncDb';
import { clientFor, closeDb, dbFor, leaseMsFor, serverErrors, settingsFor, userName } from './session';
import { table } from './table';

export interface EngineSession { settings: SyncSettings; client: AdoClient; db: SyncDb; engine: SyncEngine }

/** The server is checked first (connectionCheck.ts) unless the command only changes local records (offline: delete, untrack). */
export async function withEngine<T>(context: CommandContext, run: (session: EngineSession) => Promise<T>, options: { offline?: boolean } = {}): Promise<T> {
  const settings = settingsFor(context);
  const { client, proxy } = clientFor(context, settings);
  const leaseMs = leaseMsFor(context);
  // The store first: a database that cannot be used is said before anything is sent.
  const db = await dbFor(context, settings);
  let engine: SyncEngine | undefined;
  try {
    if (!options.offline) await checkConnection(client, proxy, context.signal);
    engine = createSyncEngine({
      client,
      store: db,
      settings,
      workspaceRoot: context.cwd,
      leaseMs,
      origin: { client: 'ado-sync-cli', version, host: os.hostname(), user: userName() },
      log: (level, message) => {
        if (level === 'warn' || level === 'error') context.output.warn(message);
      },
    });
    // sql.js: we hold the database's lock, so runs left in progress were a process that died.
    // PostgreSQL: only leases that expired are taken back (recover() knows).
    await engine.recoverInterrupted();
    const session = { settings, client, db, engine };
    return await serverErrors(client, proxy, () => run(session));
  } finally {
    try {
      await engine?.close();
    } catch (error) {
      // The engine's last save failing is the store's to report, with what was kept: closeStore says it.
      if (!(error instanceof StoreWriteError)) throw error;
    } finally {
      await closeDb(db);
    }
  }
}

/** Error classes meaning the credentials failed: nothing works until they are fixed. */
const CREDENTIAL_KINDS = new Set(['AuthenticationError', 'PermissionError']);

export function isCredentialError(error: ItemError | undefined): boolean {
  return error?.kind !== undefined && CREDENTIAL_KINDS.has(error.kind);
}

const FAILED: ReadonlySet<ItemOutcome['status']> = new Set(['failed', 'cancelled']);

/**
 * The exit code for outcomes: 2 when the credentials failed (nothing works until they are fixed;
 * said on stderr with what to do), 1 when anything failed, else 0.
 */
function finish(output: CliOutput, errors: readonly (ItemError | undefined)[], failed: boolean): ExitCodeValue {
  const credential = errors.find(isCredentialError);
  if (credential) {
    // The server's message is in the run's summary already; this line says what to do.
    output.error(`Azure DevOps refused the personal access token in AZDO_PAT during the run (${credential.code}). ${CREDENTIAL_HINT}`);
    return ExitCode.usage;
  }
  return failed ? ExitCode.itemFailed : ExitCode.ok;
}

export function isFailed(outcome: ItemOutcome): boolean {
  return FAILED.has(outcome.status);
}

export function finishRun(output: CliOutput, s: RunSummary): ExitCodeValue {
  return finish(output, [s.error, ...s.items.map((i) => i.error)], s.status !== 'completed' || s.items.some(isFailed));
}

export function finishItem(output: CliOutput, outcome: ItemOutcome): ExitCodeValue {
  return finish(output, [outcome.error], isFailed(outcome));
}

/** "TF237082: The file is too large." */
function errorText(e: ItemError): string {
  return e.code ? `${e.code}: ${e.message}` : e.message;
}

/** One line per item: status, work item, file, and the error or the attachment it became. */
export function itemsTable(items: readonly ItemOutcome[]): string {
  return table(['STATUS', 'WORK ITEM', 'FILE', 'SIZE', 'DETAIL'], items.map((i) => [
    i.status,
    String(i.workItemId),
    i.fileName,
    i.size === undefined ? '' : formatBytes(i.size),
    i.error ? errorText(i.error) : (i.attachmentId ?? i.localPath ?? ''),
  ]));
}

/** "Sync completed: 1 uploaded, 2 downloaded, 1 failed (3.2 MB, 840 ms, history run #7)." */
export function runHeadline(label: string, s: RunSummary): string {
  const c = s.counters;
  const parts = ([
    [c.uploaded, 'uploaded'], [c.linked, 'linked'], [c.downloaded, 'downloaded'], [c.duplicates, 'already there'],
    [c.conflicts, 'kept as conflict copies'], [c.remoteRemoved, 'removed in ADO'], [c.removed, 'removed'], [c.failed, 'failed'],
  ] as const).filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  // A run that stopped before doing anything says why, not "nothing to do".
  const stoppedEarly = parts.length === 0 && s.status !== 'completed' && s.error !== undefined;
  const counts = parts.length ? parts.join(', ') : stoppedEarly && s.error ? errorText(s.error) : 'nothing to do';
  return `${label} ${s.status}: ${counts} (${formatBytes(c.bytesTransferred)}, ${s.durationMs} ms, history run #${s.runId}).`;
}

export function runHuman(label: string, s: RunSummary): string {
  const lines = [runHeadline(label, s)];
  if (s.error && !runHeadline(label, s).includes(errorText(s.error))) lines.push(`  ${errorText(s.error)}`);
  if (s.items.length) lines.push('', itemsTable(s.items));
  return lines.join('\n');
}

