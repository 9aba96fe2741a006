// Credentials per organization: SecretStorage entries keyed by the normalised organization or
// collection URL, written only when the user connects to that URL. A workspace's settings name a
// URL; they never choose which credentials go there: a URL without an entry gets none.
import type * as vscode from 'vscode';
import { parseOrgUrl } from '../core/ado';

/** A PAT, or the account of a Microsoft sign-in (VS Code keeps its tokens). */
export type StoredCredential = { readonly kind: 'pat'; readonly pat: string } | { readonly kind: 'microsoft'; readonly account: string };

export interface StoredOrganization {
  /** The normalised URL the credential was stored for. */
  readonly orgUrl: string;
  readonly kind: StoredCredential['kind'];
  /** The Microsoft account, for a sign-in. */
  readonly account?: string;
}

const CREDENTIAL_PREFIX = 'adoSync.credentials:';
/** SecretStorage cannot list its keys (before VS Code 1.97): the organizations with an entry. */
const INDEX_KEY = 'adoSync.organizations';
/** Before credentials were per organization: one PAT and a sign-in marker for every workspace. */
const LEGACY_KEYS = ['adoSync.pat', 'adoSync.microsoftSignIn'] as const;

/**
 * The key of an organization: its normalised base URL (scheme, lower-case host and port, path),
 * lower-cased as a whole since Azure DevOps names are case-insensitive. http and https differ.
 * Undefined for a URL that does not parse: such a URL has no credentials.
 */
export function organizationKey(orgUrl: string): string | undefined {
  try {
    return parseOrgUrl(orgUrl).baseUrl.toLowerCase();
  } catch {
    return undefined;
  }
}

export function isCredentialKey(key: string): boolean {
  return key.startsWith(CREDENTIAL_PREFIX);
}

export class ConnectionSecrets {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** The credential stored for this URL, if the user ever connected to it. */
  async get(orgUrl: string): Promise<StoredCredential | undefined> {
    const key = organizationKey(orgUrl);
    if (!key) return undefined;
    return parseCredential(await this.secrets.get(CREDENTIAL_PREFIX + key));
  }

  async store(orgUrl: string, credential: StoredCredential): Promise<void> {
    const key = organizationKey(orgUrl);
    if (!key) throw new TypeError(`Not an organization URL: ${orgUrl}`);
    await this.secrets.store(CREDENTIAL_PREFIX + key, JSON.stringify(credential));
    const index = await this.index();
    if (!index.includes(key)) await this.secrets.store(INDEX_KEY, JSON.stringify([...index, key]));
  }

  async forget(orgUrl: string): Promise<void> {
    const key = organizationKey(orgUrl) ?? orgUrl;
    await this.secrets.delete(CREDENTIAL_PREFIX + key);
    const index = await this.index();
    if (index.includes(key)) await this.secrets.store(INDEX_KEY, JSON.stringify(index.filter((k) => k !== key)));
  }

  /** Every organization with a stored credential (never the secrets themselves). */
  async list(): Promise<StoredOrganization[]> {
    const found: StoredOrganization[] = [];
    for (const key of await this.index()) {
      const credential = parseCredential(await this.secrets.get(CREDENTIAL_PREFIX + key));
      if (credential) found.push({ orgUrl: key, kind: credential.kind, account: credential.kind === 'microsoft' ? credential.account : undefined });
    }
    return found;
  }

  /** True when the key of a SecretStorage change is this organization's credential. */
  isKeyOf(changedKey: string, orgUrl: string): boolean {
    const key = organizationKey(orgUrl);
    return key !== undefined && changedKey === CREDENTIAL_PREFIX + key;
  }

  /**
   * Drops the credential of the single-key era. Which organization it was stored for is not
   * knowable (the URL came from settings a repository can ship), so it is not moved to any:
   * resolves true when there was one, so the user can be told to connect once more.
   */
  async dropLegacy(): Promise<boolean> {
    let dropped = false;
    for (const key of LEGACY_KEYS) {
      if ((await this.secrets.get(key)) !== undefined) {
        dropped = true;
        await this.secrets.delete(key);
      }
    }
    return dropped;
  }

  private async index(): Promise<string[]> {
    try {
      const parsed: unknown = JSON.parse((await this.secrets.get(INDEX_KEY)) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : [];
    } catch {
      return [];
    }
  }
}

function parseCredential(text: string | undefined): StoredCredential | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<{ kind: string; pat: unknown; account: unknown }>;
    if (value.kind === 'pat' && typeof value.pat === 'string' && value.pat) return { kind: 'pat', pat: value.pat };
    if (value.kind === 'microsoft' && typeof value.account === 'string') return { kind: 'microsoft', account: value.account };
  } catch {
    // Not ours or damaged: treated as absent, the user connects again.
  }
  return undefined;
}
