// What the browser suites drive: set by run.ts before it loads them. Kept on globalThis because
// mocha may load the suite files through the ESM loader, which would give them their own copy
// of this module.
import type { Browser, Page } from 'playwright-core';
import type { CodeServer } from './codeServer';

export interface E2eSession {
  readonly browser: Browser;
  readonly page: Page;
  readonly codeServer: CodeServer;
  readonly workspace: string;
  readonly extensionId: string;
  readonly emulatorUrl?: string;
  /** The harness's results file: its call command writes call-<id>.json beside it. */
  readonly resultsFile: string;
}

const KEY = Symbol.for('ado-attachment-sync.e2e.session');

export function setE2eSession(session: E2eSession): void {
  (globalThis as Record<symbol, unknown>)[KEY] = session;
}

export function e2eSession(): E2eSession {
  const session = (globalThis as Record<symbol, unknown>)[KEY] as E2eSession | undefined;
  if (!session) throw new Error('browser suites run only through test/e2e/run.ts');
  return session;
}
