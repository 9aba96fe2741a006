// What setup.sh installed, read from the cache's env.json (overridable for other machines).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CACHE_DIR } from './paths';

export interface E2eEnv {
  /** Node 24 binary that runs code-server. */
  readonly node: string;
  /** Folder with node 24 (and an npm on it) to put first on PATH. */
  readonly binDir: string;
  /** code-server's entry script (out/node/entry.js). */
  readonly codeServer: string;
  readonly codeServerVersion: string;
  /** Debian's chromium, driven by playwright-core. */
  readonly chromium: string;
}

export class E2eSetupMissingError extends Error {
  constructor(detail: string) {
    super(`${detail}: run test/e2e/setup.sh first`);
    this.name = 'E2eSetupMissingError';
  }
}

function isE2eEnv(value: unknown): value is E2eEnv {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return ['node', 'binDir', 'codeServer', 'codeServerVersion', 'chromium'].every((key) => typeof record[key] === 'string');
}

export function loadE2eEnv(): E2eEnv {
  const file = path.join(CACHE_DIR, 'env.json');
  if (!existsSync(file)) throw new E2eSetupMissingError(`no ${file}`);
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isE2eEnv(parsed)) throw new E2eSetupMissingError(`${file} is incomplete`);
  const env: E2eEnv = { ...parsed, chromium: process.env.E2E_CHROMIUM ?? parsed.chromium };
  for (const [what, file] of [['node 24', env.node], ['code-server', env.codeServer], ['chromium', env.chromium]]) {
    if (!file || !existsSync(file)) throw new E2eSetupMissingError(`${what} not found at '${file}'`);
  }
  return env;
}
