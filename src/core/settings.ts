// The sync settings shared by the CLI (environment names of seed 000) and the extension
// (adoSync.* settings). One table of names, defaults and validation serves both.

export type ApiVersionSetting = 'auto' | '7.1' | '7.0' | '6.0' | '5.0';
export type ConflictPolicy = 'keepBoth' | 'preferLocal' | 'preferRemote';

export interface SyncSettings {
  orgUrl: string;
  project: string;
  apiVersion: ApiVersionSetting;
  dbPath: string;
  storagePath: string;
  chunkSize: number;
  maxFileSize: number;
  uploadMaxRetries: number;
  requestTimeoutMs: number;
  rateLimitRpm: number;
  pollIntervalSeconds: number;
  conflictPolicy: ConflictPolicy;
  maxDeleteShare: number;
  retentionDays: number;
}

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

const MiB = 1024 * 1024;

export const DEFAULT_SETTINGS: SyncSettings = {
  orgUrl: '',
  project: '',
  apiVersion: 'auto',
  dbPath: '.ado-sync/state.sqlite',
  storagePath: '.ado-attachments',
  chunkSize: 5 * MiB,
  maxFileSize: 500 * MiB,
  uploadMaxRetries: 3,
  requestTimeoutMs: 60_000,
  rateLimitRpm: 500,
  pollIntervalSeconds: 300,
  conflictPolicy: 'keepBoth',
  maxDeleteShare: 0.5,
  retentionDays: 90,
};

type Parser<K extends keyof SyncSettings> = (raw: string, name: string) => SyncSettings[K];

interface EnvBinding<K extends keyof SyncSettings> {
  key: K;
  env: string;
  parse: Parser<K>;
}

const text = (raw: string) => raw.trim();

function integer(min: number, max: number) {
  return (raw: string, name: string): number => {
    const value = Number(raw.trim());
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new SettingsError(`${name} must be a whole number between ${min} and ${max}; got "${raw}".`);
    }
    return value;
  };
}

function fraction(raw: string, name: string): number {
  const value = Number(raw.trim());
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new SettingsError(`${name} must be a number between 0 and 1 (a share); got "${raw}".`);
  }
  return value;
}

function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string, name: string): T => {
    const value = raw.trim() as T;
    if (!values.includes(value)) {
      throw new SettingsError(`${name} must be one of ${values.join(', ')}; got "${raw}".`);
    }
    return value;
  };
}

function bind<K extends keyof SyncSettings>(key: K, env: string, parse: Parser<K>): EnvBinding<K> {
  return { key, env, parse };
}

/** The seed's environment names, and the few it lacks, with their parsers. */
export const ENV_BINDINGS = [
  bind('orgUrl', 'AZDO_ORG_URL', text),
  bind('project', 'AZDO_PROJECT', text),
  bind('apiVersion', 'AZDO_API_VERSION', oneOf<ApiVersionSetting>(['auto', '7.1', '7.0', '6.0', '5.0'])),
  bind('dbPath', 'ATTACHMENT_SYNC_DB_PATH', text),
  bind('storagePath', 'ATTACHMENT_STORAGE_PATH', text),
  bind('chunkSize', 'ATTACHMENT_CHUNK_SIZE', integer(64 * 1024, 512 * MiB)),
  bind('maxFileSize', 'ATTACHMENT_MAX_FILE_SIZE', integer(1, Number.MAX_SAFE_INTEGER)),
  bind('uploadMaxRetries', 'ATTACHMENT_UPLOAD_MAX_RETRIES', integer(0, 20)),
  bind('requestTimeoutMs', 'ATTACHMENT_SYNC_REQUEST_TIMEOUT', integer(1000, 3_600_000)),
  bind('rateLimitRpm', 'ATTACHMENT_SYNC_RATE_LIMIT_RPM', integer(1, 100_000)),
  bind('pollIntervalSeconds', 'ATTACHMENT_SYNC_POLL_INTERVAL', integer(0, 86_400)),
  bind('conflictPolicy', 'ATTACHMENT_SYNC_CONFLICT_POLICY', oneOf<ConflictPolicy>(['keepBoth', 'preferLocal', 'preferRemote'])),
  bind('maxDeleteShare', 'ATTACHMENT_SYNC_MAX_DELETE_SHARE', fraction),
  bind('retentionDays', 'ATTACHMENT_SYNC_RETENTION_DAYS', integer(1, 36_500)),
] as const;

/**
 * Settings from environment variables over the defaults. `ATTACHMENT_SYNC_API_VERSION`
 * overrides `AZDO_API_VERSION` for sync operations, as seed 000 documents.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv, base: SyncSettings = DEFAULT_SETTINGS): SyncSettings {
  const settings: SyncSettings = { ...base };
  const source: NodeJS.ProcessEnv = { ...env };
  if (source.ATTACHMENT_SYNC_API_VERSION) source.AZDO_API_VERSION = source.ATTACHMENT_SYNC_API_VERSION;
  for (const binding of ENV_BINDINGS) {
    const raw = source[binding.env];
    if (raw !== undefined && raw.trim() !== '') {
      assign(settings, binding, raw);
    }
  }
  return settings;
}

function assign<K extends keyof SyncSettings>(settings: SyncSettings, binding: EnvBinding<K>, raw: string): void {
  settings[binding.key] = binding.parse(raw, binding.env);
}

/** Settings a connection needs, with the flag or variable to set when one is missing. */
export function requireConnection(settings: SyncSettings): void {
  const missing: string[] = [];
  if (!settings.orgUrl) missing.push('the organization or collection URL (--org-url or AZDO_ORG_URL)');
  if (!settings.project) missing.push('the project (--project or AZDO_PROJECT)');
  if (missing.length > 0) throw new SettingsError(`Not configured: ${missing.join(' and ')}.`);
}
