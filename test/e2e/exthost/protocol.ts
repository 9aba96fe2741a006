// Environment variables through which the runner talks to the extension host: code-server's
// environment is inherited by its extension host, so they reach the harness and the suites.
// Also the files of the browser suites' calls to the harness (beside the results file).
import path from 'node:path';

/** Absolute path of the suite bundle the harness loads. */
export const SUITE_BUNDLE_ENV = 'ADO_E2E_SUITE_BUNDLE';
/** File where the suites' run() writes its results as JSON. */
export const RESULTS_ENV = 'ADO_E2E_RESULTS';
/** Base URL of the ADO emulator, when the run started one. */
export const EMULATOR_URL_ENV = 'ADO_E2E_EMULATOR_URL';

/** A browser suite's call to the harness of the window showing folder (or .code-workspace file; '' for an empty window). */
export interface CallRequest {
  id: string;
  folder: string;
  command?: string;
  api?: string;
  harness?: string;
  args?: unknown[];
}

export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: string };

/** Where call requests and their results are exchanged: beside the results file. */
export function callDir(resultsFile: string): string {
  return path.join(path.dirname(resultsFile), 'calls');
}
