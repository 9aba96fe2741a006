// What a command needs to run, built from flags over environment variables: the settings, the
// Azure DevOps client, the state database and the sync engine; closed in reverse order whatever
// happens. Problems the user must fix (configuration, credentials, a database another process
// holds) become CliErrors naming the flag or variable to set, ending with exit code 2.
import os from 'node:os';
import path from 'node:path';
import { version } from '../../package.json';
import { createAdoClient, environmentProxyRouting, OrgUrlError, PatAuth, type AdoClient, type ProxyRouting } from '../core/ado';
import { requireConnection, SettingsError, settingsFromEnv, type ApiVersionSetting, type SyncSettings } from '../core/settings';
import { openStore, StoreError, StoreLockedError, StorePathError, StoreVersionError, StoreWriteError, type SyncStore } from '../core/store';
import { isPostgresUrl, openPgSyncDb, redact } from '../core/store/postgres/pgSyncDb';
import { sqlJsDb, type SqlJsDb } from '../core/store/sqlJsDb';
import type { SyncDb } from '../core/store/syncDb';
import type { CommandContext, OptionValues } from './command';
import { checkConnection, serverProblem } from './connectionCheck';
import { CliError, ExitCode } from './exitCodes';
import { retryLine } from './progress';

export const USER_AGENT = `ado-sync-cli/${version}`;
const API_VERSIONS: readonly ApiVersionSetting[] = ['auto', '7.1', '7.0', '6.0', '5.0'];

/** A string option's trimmed value, undefined when absent or blank. */
export function optionText(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Environment variables, then flags over them. Invalid values fail with the variable's name. */
export function settingsFor(context: Pick<CommandContext, 'values' | 'env'>): SyncSettings {
  const { values } = context;
  const settings = asCliError(() => settingsFromEnv(context.env));
  const apiVersion = optionText(values, 'api-version');
  if (apiVersion !== undefined && !API_VERSIONS.includes(apiVersion as ApiVersionSetting)) {
    throw new CliError(`--api-version must be one of ${API_VERSIONS.join(', ')}; got "${apiVersion}".`);
  }
  return {
    ...settings,
    orgUrl: optionText(values, 'org-url') ?? settings.orgUrl,
    project: optionText(values, 'project') ?? settings.project,
    apiVersion: (apiVersion as ApiVersionSetting | undefined) ?? settings.apiVersion,
    dbPath: optionText(values, 'db') ?? settings.dbPath,
    storagePath: optionText(values, 'storage') ?? settings.storagePath,
  };
}

/**
 * The client for these settings; the PAT comes from AZDO_PAT only (flags show in process lists).
 * Proxies come from HTTPS_PROXY / HTTP_PROXY / NO_PROXY; retries show on a terminal.
 */
export function clientFor(context: Pick<CommandContext, 'env' | 'output'>, settings: SyncSettings): { client: AdoClient; auth: PatAuth; proxy: ProxyRouting } {
  asCliError(() => requireConnection(settings));
  const pat = context.env.AZDO_PAT?.trim();
  if (!pat) throw new CliError('The personal access token is missing: set AZDO_PAT.');
  const auth = new PatAuth(pat);
  const proxy = environmentProxyRouting();
  const { output } = context;
  try {
    const client = createAdoClient({
      orgUrl: settings.orgUrl,
      project: settings.project,
      auth,
      apiVersion: settings.apiVersion,
      requestsPerMinute: settings.rateLimitRpm,
      timeoutMs: settings.requestTimeoutMs,
      proxy,
      onRetry: (notice) => output.progress(retryLine(notice)),
      userAgent: USER_AGENT,
    });
    return { client, auth, proxy };
  } catch (error) {
    if (error instanceof OrgUrlError) throw new CliError(`${error.message} Set --org-url or AZDO_ORG_URL to the organization or collection URL.`);
    throw error;
  }
}

const DB_SETTING = '--db (ATTACHMENT_SYNC_DB_PATH)';

/**
 * Opens the state database (relative paths from the working directory). A damaged database is
 * said on stderr: a writer has moved it aside and started a new one (the store says so through
 * storeLog); a reader cannot show anything true from it and fails (exit 1) instead of printing an
 * empty answer.
 */
async function storeFor(context: Pick<CommandContext, 'cwd' | 'output'>, settings: SyncSettings, readOnly = false): Promise<SyncStore> {
  let store: SyncStore;
  try {
    store = await openStore({ path: path.resolve(context.cwd, settings.dbPath), readOnly, retentionDays: settings.retentionDays, log: storeLog(context.output) });
  } catch (error) {
    if (error instanceof StoreLockedError) throw new CliError(`${error.message}. Wait for it to finish, or point ${DB_SETTING} at another file.`);
    if (error instanceof StoreVersionError) throw new CliError(`${error.message}. Use a newer ado-sync.`);
    if (error instanceof StorePathError) throw new CliError(`${error.message}. Set ${DB_SETTING} to a file in a folder you can write to.`);
    throw error;
  }
  if (store.damaged && readOnly) {
    closeStore(store);
    throw new CliError(`${store.damaged.message} Run "ado-sync sync" to start a new database, or put a good copy back at that path.`, ExitCode.itemFailed);
  }
  return store;
}

/**
 * What the store says goes to stderr as warnings: a damaged database replaced (where the copy is,
 * what is restored), a save that failed and is retried, a stale lock or temp file removed.
 */
export function storeLog(output: Pick<CommandContext['output'], 'warn'>): (message: string) => void {
  return (message) => output.warn(message);
}

/**
 * Closes the store; a final save that fails (a full disk) ends the command with exit 1 and says
 * what was kept and what to do.
 */
function closeStore(store: SyncStore): void {
  try {
    store.close();
  } catch (error) {
    if (error instanceof StoreWriteError) {
      throw new CliError(`${error.headline} The previous file is kept unchanged; this command's changes to it are lost: ` +
        `attachments it uploaded carry [sha256:…] markers and are found again by the next sync. Free space there, or set ${DB_SETTING} to a file elsewhere, and run it again.`, ExitCode.itemFailed);
    }
    throw error;
  }
}

const DATABASE_URL_SETTING = '--database-url (ADO_SYNC_DATABASE_URL)';

/**
 * The PostgreSQL store's URL when one is given (the flag over ADO_SYNC_DATABASE_URL); else the
 * sql.js file at --db. A password in the flag is refused: flags show in process lists.
 */
export function databaseUrlFor(context: Pick<CommandContext, 'values' | 'env'>): string | undefined {
  const flag = optionText(context.values, 'database-url');
  const url = flag ?? (context.env.ADO_SYNC_DATABASE_URL?.trim() || undefined);
  if (url === undefined) return undefined;
  if (!isPostgresUrl(url)) throw new CliError(`${DATABASE_URL_SETTING} must be a postgres:// URL (postgres://user@host:5432/database); got "${redact(url)}".`);
  if (flag !== undefined && /\/\/[^/@]*:[^/@]*@/.test(flag)) {
    throw new CliError('--database-url must not hold a password (flags show in process lists): set ADO_SYNC_DATABASE_URL, or PGPASSWORD beside the flag.');
  }
  return url;
}

/**
 * The store a command works on: PostgreSQL when a database URL is given (shared by several
 * processes; no lock), else the sql.js file (storeFor). readOnly applies to the sql.js file.
 */
export async function dbFor(context: Pick<CommandContext, 'cwd' | 'output' | 'values' | 'env'>, settings: SyncSettings, readOnly = false): Promise<SyncDb> {
  const url = databaseUrlFor(context);
  if (url === undefined) return sqlJsDb(await storeFor(context, settings, readOnly));
  try {
    return await openPgSyncDb({ url, localPath: path.resolve(context.cwd, settings.dbPath), log: storeLog(context.output) });
  } catch (error) {
    if (error instanceof StoreVersionError) throw new CliError(`${error.message}. Use a newer ado-sync.`);
    if (error instanceof StoreError) throw new CliError(`${error.message}. Check ${DATABASE_URL_SETTING} and that the server accepts connections.`);
    throw error;
  }
}

/**
 * ADO_SYNC_LEASE_SECONDS: how soon the work items of a process that died are taken over by the
 * others on a shared PostgreSQL (default 60; live processes renew theirs).
 */
export function leaseMsFor(context: Pick<CommandContext, 'env'>): number | undefined {
  const raw = context.env.ADO_SYNC_LEASE_SECONDS?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 3 || seconds > 86_400) throw new CliError(`ADO_SYNC_LEASE_SECONDS must be a whole number of seconds from 3 to 86400; got "${raw}".`);
  return seconds * 1000;
}

/** closeStore for either store. */
export async function closeDb(db: SyncDb): Promise<void> {
  if (db.kind === 'sqljs') closeStore((db as SqlJsDb).store);
  else await db.close();
}

export interface DbSession { settings: SyncSettings; db: SyncDb }
export interface ClientSession extends DbSession { client: AdoClient }

/**
 * Store only, read-only: for commands that just report (status, history, dedup, upload-session).
 * They take no lock, so they also work while the extension or another run holds the database.
 */
export async function withReadStore<T>(context: CommandContext, run: (session: DbSession) => Promise<T>): Promise<T> {
  const settings = settingsFor(context);
  const db = await dbFor(context, settings, true);
  try {
    return await run({ settings, db });
  } finally {
    await closeDb(db);
  }
}

/**
 * The client, checked against the server (connectionCheck.ts), and the store (dbFor: PostgreSQL
 * when a database URL is given). readOnly: for commands that only look at ADO beside our records
 * (list); on sql.js they take no lock, so they work while another process syncs.
 */
export async function withClient<T>(context: CommandContext, run: (session: ClientSession) => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
  const settings = settingsFor(context);
  const { client, proxy } = clientFor(context, settings);
  // The store first: a database that cannot be used is said before anything is sent.
  const db = await dbFor(context, settings, options.readOnly === true);
  try {
    await checkConnection(client, proxy, context.signal);
    return await serverErrors(client, proxy, () => run({ settings, client, db }));
  } finally {
    await closeDb(db);
  }
}

/** Failures the user must fix (credentials, proxy, server address) end a command with exit code 2 and what to fix. */
export async function serverErrors<T>(client: AdoClient, proxy: ProxyRouting, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw serverProblem(error, client.org.baseUrl, proxy) ?? error;
  }
}

function asCliError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof SettingsError) throw new CliError(error.message);
    throw error;
  }
}

export function userName(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}
