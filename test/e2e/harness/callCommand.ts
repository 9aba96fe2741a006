// Calls from the browser suites, which the palette cannot make: a command with arguments, a
// method of our extension's API, or a harness action (e.g. refresh the test Microsoft token).
// A suite drops <id>.request.json into the calls folder beside the results file, naming the
// folder its window shows; the harness of that window takes it (an atomic rename, so a window
// that is closing cannot run it too), runs it and writes <id>.result.json.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { callDir, type CallOutcome, type CallRequest } from '../exthost/protocol';
import { describeError } from '../lib/results';

const OUR_EXTENSION = 'ado-attachment-sync.ado-attachment-sync';
const POLL_MS = 200;

export function serveCalls(resultsFile: string, harness: Record<string, () => Promise<unknown>>): vscode.Disposable {
  const dir = callDir(resultsFile);
  mkdirSync(dir, { recursive: true });
  // What the window shows: its .code-workspace file, else its folder ('' for an empty window).
  const folder = vscode.workspace.workspaceFile?.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  let busy = false;
  const poll = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.request.json'))) {
        const file = path.join(dir, name);
        let request: CallRequest;
        try {
          request = JSON.parse(readFileSync(file, 'utf8')) as CallRequest;
        } catch {
          continue; // another window took it between the listing and the read
        }
        if (request.folder !== folder) continue;
        try {
          renameSync(file, `${file}.taken`);
        } catch {
          continue;
        }
        let outcome: CallOutcome;
        try {
          outcome = { ok: true, value: (await perform(request, harness)) ?? null };
        } catch (error) {
          outcome = { ok: false, error: describeError(error) };
        }
        // Written whole, then renamed into place: the suite polls for this name and must never
        // read half an answer (it did once in CI: "Unexpected end of JSON input").
        const result = path.join(dir, `${request.id}.result.json`);
        writeFileSync(`${result}.tmp`, JSON.stringify(outcome));
        renameSync(`${result}.tmp`, result);
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void poll(), POLL_MS);
  return { dispose: () => clearInterval(timer) };
}

async function perform(request: CallRequest, harness: Record<string, () => Promise<unknown>>): Promise<unknown> {
  const args = request.args ?? [];
  if (request.command) return vscode.commands.executeCommand(request.command, ...args);
  if (request.harness) {
    const action = harness[request.harness];
    if (!action) throw new Error(`no harness action ${request.harness}`);
    return action();
  }
  if (request.api) {
    const extension = vscode.extensions.getExtension<Record<string, unknown>>(OUR_EXTENSION);
    if (!extension) throw new Error(`${OUR_EXTENSION} is not installed`);
    const api = await extension.activate();
    const method = api[request.api];
    if (typeof method !== 'function') throw new Error(`the API has no ${request.api}()`);
    return (method as (...a: unknown[]) => unknown).apply(api, args);
  }
  throw new Error('a call names a command, an api method or a harness action');
}
