// api-version selection. A fixed setting is sent as is. "auto" starts at 7.1 and, while the server
// refuses the version (typeKey VssVersionOutOfRangeException), steps down: to the highest version
// we speak within the ceiling the message names ("The latest REST API version this server supports
// is 5.0.") when it names one, else to the next lower version (the message may be translated, or
// in the route form without a ceiling). It remembers the version that worked and never asks
// again. Requests that arrive while that first exchange is in flight wait for it.
import { ApiVersionError } from './errors';

export type ApiVersion = '7.1' | '7.0' | '6.0' | '5.0';
export type ApiVersionSetting = 'auto' | ApiVersion;

/** Highest first. Below 5.0 (TFS 2018) the attachment and batch APIs we need are missing. */
export const SUPPORTED_API_VERSIONS: readonly ApiVersion[] = ['7.1', '7.0', '6.0', '5.0'];

export function highestSupportedUpTo(ceiling: string): ApiVersion | undefined {
  const max = versionNumber(ceiling);
  return SUPPORTED_API_VERSIONS.find((v) => versionNumber(v) <= max);
}

function versionNumber(version: string): number {
  const [major, minor] = version.split(/[.-]/).map(Number);
  return (major || 0) * 1000 + (minor || 0);
}

export class ApiVersionNegotiator {
  #resolved: ApiVersion | undefined;
  #probe: Promise<void> | undefined;

  constructor(
    readonly setting: ApiVersionSetting,
    private readonly log: (message: string) => void = () => {},
  ) {
    if (setting !== 'auto') this.#resolved = setting;
  }

  /** The version in use, once known. */
  get current(): ApiVersion | undefined {
    return this.#resolved;
  }

  /** Runs send with the right version, negotiating on the first call in "auto" mode. */
  async run<T>(send: (version: ApiVersion) => Promise<T>): Promise<T> {
    for (;;) {
      if (this.#resolved) return send(this.#resolved);
      if (!this.#probe) return this.probe(send);
      // Someone else is finding out; whatever happens to them, look again afterwards.
      await this.#probe.catch(() => undefined);
    }
  }

  private async probe<T>(send: (version: ApiVersion) => Promise<T>): Promise<T> {
    let settle!: () => void;
    this.#probe = new Promise<void>((resolve) => (settle = resolve));
    try {
      let version: ApiVersion = SUPPORTED_API_VERSIONS[0];
      for (;;) {
        try {
          const result = await send(version);
          this.#resolved = version;
          return result;
        } catch (error) {
          const fallback = this.fallbackFor(error, version);
          if (!fallback) throw error;
          this.log(`api-version ${version} is not supported by the server; trying ${fallback}.`);
          version = fallback;
        }
      }
    } finally {
      this.#probe = undefined;
      settle();
    }
  }

  /** The next version to try after `tried` was refused, or undefined when the error is another one. */
  private fallbackFor(error: unknown, tried: ApiVersion): ApiVersion | undefined {
    if (!(error instanceof ApiVersionError)) return undefined;
    const ceiling = error.supportedMax ?? error.hint;
    const hinted = ceiling ? highestSupportedUpTo(ceiling) : undefined;
    const next = hinted !== undefined && versionNumber(hinted) < versionNumber(tried) ? hinted : SUPPORTED_API_VERSIONS[SUPPORTED_API_VERSIONS.indexOf(tried) + 1];
    if (next) return next;
    throw new ApiVersionError(`The server refused every REST API version from ${SUPPORTED_API_VERSIONS[0]} down to ${tried}${error.supportedMax ? ` (it supports up to ${error.supportedMax})` : ''}; this client needs 5.0 or later (Azure DevOps Server 2019+).`, {
      status: error.status,
      typeKey: error.typeKey,
      serverMessage: error.serverMessage,
      method: error.method,
      url: error.url,
      supportedMax: error.supportedMax,
    });
  }
}
