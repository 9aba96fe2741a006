// How requests authenticate. A PAT goes in Basic auth with an empty user name (ado-api.md §7.1);
// a bearer token (Microsoft sign-in, later) comes from a provider asked before every request,
// so the caller can refresh it. `secrets()` lists what must never appear in any message.

export interface AuthStrategy {
  readonly kind: 'pat' | 'bearer';
  /** The full Authorization header value. */
  header(): Promise<string>;
  /** Secret strings to scrub from any text we show (messages, logs). */
  secrets(): readonly string[];
}

export class PatAuth implements AuthStrategy {
  readonly kind = 'pat';
  readonly #pat: string;
  readonly #header: string;

  constructor(pat: string) {
    const token = pat.trim();
    if (token === '') throw new TypeError('The personal access token is empty.');
    this.#pat = token;
    this.#header = `Basic ${Buffer.from(`:${token}`).toString('base64')}`;
  }

  async header(): Promise<string> {
    return this.#header;
  }

  secrets(): readonly string[] {
    return [this.#pat, this.#header.slice('Basic '.length)];
  }

  // Keep the token out of console.log / util.inspect / JSON.stringify of the object.
  toJSON(): Record<string, string> {
    return { kind: this.kind };
  }
}

export type TokenProvider = () => Promise<string>;

export class BearerAuth implements AuthStrategy {
  readonly kind = 'bearer';
  readonly #provider: TokenProvider;
  #last: string | undefined;

  constructor(provider: TokenProvider) {
    this.#provider = provider;
  }

  async header(): Promise<string> {
    const token = (await this.#provider()).trim();
    if (token === '') throw new TypeError('The token provider returned an empty token.');
    this.#last = token;
    return `Bearer ${token}`;
  }

  secrets(): readonly string[] {
    return this.#last ? [this.#last] : [];
  }

  toJSON(): Record<string, string> {
    return { kind: this.kind };
  }
}

/** Replaces every secret (of 4+ characters) in text. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join('***');
  }
  return result;
}
