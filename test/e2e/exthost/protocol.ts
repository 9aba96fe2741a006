// Environment variables through which the runner talks to the extension host: code-server's
// environment is inherited by its extension host, so they reach the harness and the suites.

/** Absolute path of the suite bundle the harness loads. */
export const SUITE_BUNDLE_ENV = 'ADO_E2E_SUITE_BUNDLE';
/** File where the suites' run() writes its results as JSON. */
export const RESULTS_ENV = 'ADO_E2E_RESULTS';
/** Base URL of the ADO emulator, when the run started one. */
export const EMULATOR_URL_ENV = 'ADO_E2E_EMULATOR_URL';
