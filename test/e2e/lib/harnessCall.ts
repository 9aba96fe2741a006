// The browser side of the harness's calls (harness/callCommand.ts): a request file for the
// window the page shows, then its result file, so a browser suite can call our API, run a command
// with arguments or refresh the test Microsoft token.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { callDir, type CallOutcome, type CallRequest } from '../exthost/protocol';
import { pollUntil } from './steps';

let calls = 0;

export class HarnessCallError extends Error {
  override readonly name = 'HarnessCallError';
}

export interface PendingCall {
  /** The call's value; rejects with the error it threw. */
  result(timeoutMs?: number): Promise<unknown>;
}

/** What the page's window shows, from its URL: a folder, a .code-workspace file, or '' (empty window). */
function windowFolder(page: Page): string {
  const params = new URL(page.url()).searchParams;
  return params.get('folder') ?? params.get('workspace') ?? '';
}

/** Starts a call; the caller may act on the page (e.g. answer a dialog) before awaiting result(). */
export function startCall(page: Page, resultsFile: string, request: Omit<CallRequest, 'id' | 'folder'>): PendingCall {
  const id = `${process.pid}-${++calls}`;
  const dir = callDir(resultsFile);
  mkdirSync(dir, { recursive: true });
  const full: CallRequest = { ...request, id, folder: windowFolder(page) };
  // Written whole, then renamed into place: the harness never reads half a request.
  writeFileSync(path.join(dir, `${id}.tmp`), JSON.stringify(full));
  renameSync(path.join(dir, `${id}.tmp`), path.join(dir, `${id}.request.json`));
  const file = path.join(dir, `${id}.result.json`);
  return {
    result: async (timeoutMs = 30_000) => {
      const outcome = await pollUntil(`e2e call ${JSON.stringify(full)}`, timeoutMs, () =>
        existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CallOutcome) : undefined, undefined, 100);
      if (!outcome.ok) throw new HarnessCallError(outcome.error);
      return outcome.value;
    },
  };
}

export async function call(page: Page, resultsFile: string, request: Omit<CallRequest, 'id' | 'folder'>, timeoutMs?: number): Promise<unknown> {
  return startCall(page, resultsFile, request).result(timeoutMs);
}
