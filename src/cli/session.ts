// What a command needs to run, built from flags over environment variables: the settings, the
// Azure DevOps client, the state database and the sync engine; closed in reverse order whatever
// happens. Problems the user must fix (configuration, credentials, a database another process
// holds) become CliErrors naming the flag or variable to set, ending with exit code 2.
import os from 'node:os';
import path from 'node:path';
import { version } from '../../package.json';
import { createAdoClient, environmentProxyRouting, OrgUrlError, PatAuth, type AdoClient, type ProxyRouting } from '../core/ado';
import { requireConnection, SettingsError, settingsFromEnv, type ApiVersionSetting, type SyncSettings } from '../core/settings';
import { openStore, StoreLockedError, StoreVersionError, type SyncStore } from '../core/store';
import type { CommandContext, OptionValues } from './command';
import { checkConnection, serverProblem } from './connectionCheck';
import { CliError } from './exitCodes';
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

/** Opens the state database (relative paths from the working directory). */
export async function storeFor(context: Pick<CommandContext, 'cwd'>, settings: SyncSettings, readOnly = false): Promise<SyncStore> {
  try {
    return await openStore({ path: path.resolve(context.cwd, settings.dbPath), readOnly, retentionDays: settings.retentionDays });
  } catch (error) {
    if (error instanceof StoreLockedError) throw new CliError(`${error.message}. Wait for it to finish, or point --db (ATTACHMENT_SYNC_DB_PATH) at another file.`);
    if (error instanceof StoreVersionError) throw new CliError(`${error.message}. Use a newer ado-sync.`);
    throw error;
  }
}

/**
 * The client, checked against the server first (see connectionCheck.ts); `offline` commands,
 * which only change local records, skip the check.
 */
export async function connectedClient(context: CommandContext, settings: SyncSettings, options: { offline?: boolean } = {}): Promise<ReturnType<typeof clientFor>> {
  const connection = clientFor(context, settings);
  if (!options.offline) await checkConnection(connection.client, connection.proxy, context.signal);
  return connection;
}

export interface StoreSession { settings: SyncSettings; store: SyncStore }
export interface ClientSession extends StoreSession { client: AdoClient }

/**
 * Store only, read-only: for commands that just report (status, history, dedup, upload-session).
 * They take no lock, so they also work while the extension or another run holds the database.
 */
export async function withReadStore<T>(context: CommandContext, run: (session: StoreSession) => Promise<T>): Promise<T> {
  const settings = settingsFor(context);
  const store = await storeFor(context, settings, true);
  try {
    return await run({ settings, store });
  } finally {
    store.close();
  }
}

/**
 * The client and the store. readOnly: for commands that only look at ADO beside our records
 * (list); they take no lock, so they work while another process syncs.
 */
export async function withClient<T>(context: CommandContext, run: (session: ClientSession) => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
  const settings = settingsFor(context);
  const { client, proxy } = await connectedClient(context, settings);
  const store = await storeFor(context, settings, options.readOnly === true);
  try {
    return await serverErrors(client, proxy, () => run({ settings, client, store }));
  } finally {
    store.close();
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
