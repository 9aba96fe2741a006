// api-version selection. A fixed setting is sent as is. "auto" starts at 7.1 and, the first time
// a server answers with its own ceiling ("The requested REST API version of 7.1 is out of range
// for this server. The latest REST API version this server supports is 5.0."), picks the highest
// version we speak that it supports, remembers it, and never asks again. Requests that arrive
// while that first exchange is in flight wait for it instead of probing too.
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
      const first = SUPPORTED_API_VERSIONS[0];
      try {
        const result = await send(first);
        this.#resolved = first;
        return result;
      } catch (error) {
        const fallback = this.fallbackFor(error);
        if (!fallback) throw error;
        this.#resolved = fallback;
        this.log(`api-version ${first} is not supported by the server; using ${fallback}.`);
        return await send(fallback);
      }
    } finally {
      this.#probe = undefined;
      settle();
    }
  }

  private fallbackFor(error: unknown): ApiVersion | undefined {
    if (!(error instanceof ApiVersionError) || !error.supportedMax) return undefined;
    const fallback = highestSupportedUpTo(error.supportedMax);
    if (!fallback) {
      throw new ApiVersionError(`The server supports REST API versions up to ${error.supportedMax}; this client needs 5.0 or later (Azure DevOps Server 2019+).`, {
        status: error.status,
        typeKey: error.typeKey,
        serverMessage: error.serverMessage,
        method: error.method,
        url: error.url,
        supportedMax: error.supportedMax,
      });
    }
    return fallback;
  }
}
