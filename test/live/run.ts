// The opt-in suite against a real organization (README "Live suite"). Without ADO_LIVE=1 and the
// AZDO_* variables it says it skipped and exits 0. With --emulator it runs the same scenarios
// against a fresh local emulator (what test/live/live.test.ts does in the unit tests).
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator/index';
import { loadExpected, mismatches } from './compare';
import { SCENARIOS, type Scenario } from './scenarios';
import { call, type Observation, type Target, v } from './target';

export interface LiveConfig {
  orgUrl: string;
  project: string;
  pat: string;
  apiVersion: string;
  destroy: boolean;
  hookUrl?: string;
  workItemType: string;
}

/** The live configuration, or why the suite is skipped. */
export function liveConfig(env: NodeJS.ProcessEnv): LiveConfig | string {
  if (env.ADO_LIVE !== '1') return 'ADO_LIVE is not 1';
  const missing = ['AZDO_ORG_URL', 'AZDO_PROJECT', 'AZDO_PAT'].filter((name) => !env[name]);
  if (missing.length) return `${missing.join(', ')} not set`;
  return {
    orgUrl: String(env.AZDO_ORG_URL).replace(/\/+$/, ''),
    project: String(env.AZDO_PROJECT),
    pat: String(env.AZDO_PAT),
    apiVersion: env.AZDO_API_VERSION || '7.1',
    destroy: env.ADO_LIVE_DESTROY === '1',
    hookUrl: env.ADO_SYNC_WEBHOOK_PUBLIC_URL || undefined,
    workItemType: env.ADO_LIVE_WORK_ITEM_TYPE || 'Task',
  };
}

export interface ScenarioRun {
  observations: Observation[];
  /** Scenarios that threw, with the reason. */
  errors: { scenario: string; error: string }[];
}

export async function runScenarios(target: Target, scenarios: readonly Scenario[] = SCENARIOS): Promise<ScenarioRun> {
  const run: ScenarioRun = { observations: [], errors: [] };
  for (const scenario of scenarios) {
    try {
      run.observations.push(...(await scenario.run(target)));
    } catch (error) {
      run.errors.push({ scenario: scenario.name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return run;
}

/** Destroys the work items a run created (ADO_LIVE_DESTROY=1). */
export async function destroyCreated(target: Target): Promise<void> {
  const project = encodeURIComponent(target.project);
  for (const id of target.created) {
    const reply = await call(target, 'DELETE', `/${project}/_apis/wit/workitems/${id}?destroy=true&${v(target)}`);
    // One the run deleted already sits in the recycle bin.
    if (reply.status === 404) await call(target, 'DELETE', `/${project}/_apis/wit/recyclebin/${id}?${v(target)}`);
  }
}

/** A loopback receiver counting service-hook deliveries (emulator mode). */
export async function hookReceiver(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let deliveries = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      deliveries += 1;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    count: () => deliveries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function emulatorTarget(emulator: RunningEmulator, hook?: { url: string; count: () => number }): Target {
  return { baseUrl: emulator.baseUrl, project: emulator.project, pat: 'test-pat', apiVersion: '7.1', created: [], workItemType: 'Task', hookUrl: hook?.url, hookDeliveries: hook ? async () => hook.count() : undefined };
}

/** The scenarios against fresh emulators: the burst one against a rate-limited emulator. */
export async function runAgainstEmulator(options: EmulatorOptions = {}): Promise<ScenarioRun> {
  const hook = await hookReceiver();
  const emulator = await startEmulator({ seed: 'empty', hookRetryDelaysMs: [100], ...options });
  const limited = await startEmulator({ seed: 'empty', rateLimit: { requestsPerMinute: 50 }, ...options });
  try {
    const burst = SCENARIOS.filter((s) => s.name.includes('rate-limit'));
    const main = await runScenarios(emulatorTarget(emulator, hook), SCENARIOS.filter((s) => !burst.includes(s)));
    const limitedRun = await runScenarios(emulatorTarget(limited), burst);
    return { observations: [...main.observations, ...limitedRun.observations], errors: [...main.errors, ...limitedRun.errors] };
  } finally {
    await emulator.close();
    await limited.close();
    await hook.close();
  }
}

async function main(): Promise<number> {
  const emulatorMode = process.argv.includes('--emulator');
  const config = liveConfig(process.env);
  if (!emulatorMode && typeof config === 'string') {
    console.log(`test:live skipped: ${config}. Set ADO_LIVE=1, AZDO_ORG_URL, AZDO_PROJECT and AZDO_PAT to run it against a real organization (README, "Live suite").`);
    return 0;
  }
  let run: ScenarioRun;
  let where: string;
  if (emulatorMode) {
    where = 'the local emulator';
    run = await runAgainstEmulator();
  } else {
    const live = config as LiveConfig;
    where = live.orgUrl;
    const target: Target = { baseUrl: live.orgUrl, project: live.project, pat: live.pat, apiVersion: live.apiVersion, created: [], hookUrl: live.hookUrl, workItemType: live.workItemType };
    try {
      run = await runScenarios(target);
    } finally {
      if (live.destroy) await destroyCreated(target);
      else if (target.created.length) console.log(`Work items created (ADO_LIVE_DESTROY=1 destroys them): ${target.created.join(', ')}`);
    }
  }
  const expected = loadExpected();
  const differences = run.observations.flatMap((o) => mismatches(o, expected[o.key], { requireFacts: emulatorMode }));
  const report = path.resolve(process.env.ADO_LIVE_REPORT ?? 'ado-live-report.json');
  writeFileSync(report, `${JSON.stringify({ target: where, date: new Date().toISOString(), observations: run.observations, errors: run.errors, differences }, null, 2)}\n`);
  console.log(`${run.observations.length} observations from ${where}; report written to ${report}`);
  for (const line of [...run.errors.map((e) => `error in "${e.scenario}": ${e.error}`), ...differences]) console.log(`  ${line}`);
  return run.errors.length || differences.length ? 1 : 0;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
