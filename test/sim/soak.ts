// `npm run test:soak -- [--suite model|sim|all] [--seed S] [--runs N] [--clients C] [--steps K]`:
// the planner properties and the whole-system simulation for as long as asked. Run i of the sim uses
// seed S+i, so a failure's seed replays alone with --runs 1. Exit code 1 when anything failed.
import { parseArgs } from 'node:util';
import { checkPlanner } from '../model/properties';
import { replayCommand, runSimulation } from './simulation';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      suite: { type: 'string', default: 'all' }, seed: { type: 'string' }, runs: { type: 'string' },
      clients: { type: 'string', default: '3' }, 'no-forged': { type: 'boolean', default: false }, 'wide-names': { type: 'boolean', default: false }, steps: { type: 'string', default: '24' }, 'model-runs': { type: 'string' },
    },
  });
  const seed = Number(values.seed ?? Date.now() % 2 ** 31);
  const suite = values.suite ?? 'all';
  let failed = 0;
  if (suite === 'model' || suite === 'all') {
    const runs = Number(values['model-runs'] ?? values.runs ?? 100_000);
    const t0 = Date.now();
    const result = checkPlanner(runs, seed);
    console.log(`${result.message} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (!result.ok) failed++;
  }
  if (suite === 'sim' || suite === 'all') {
    const runs = Number(values.runs ?? 50);
    const clients = Number(values.clients);
    let passed = 0;
    const crashes = { engine: 0, cli: 0 };
    for (let i = 0; i < runs; i++) {
      const s = seed + i;
      const t0 = Date.now();
      const options = { seed: s, clients, steps: Number(values.steps), forgedMarkers: !values['no-forged'], wideNames: values['wide-names'] };
      const result = await runSimulation(options).catch((error: unknown) => ({
        steps: 0, crashes: { engine: 0, cli: 0 }, trace: [], violations: [`harness-error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`],
      }));
      const took = ((Date.now() - t0) / 1000).toFixed(1);
      crashes.engine += result.crashes.engine;
      crashes.cli += result.crashes.cli;
      if (result.violations.length === 0) {
        passed++;
        console.log(`sim seed ${s}: ok (${clients} clients, ${result.steps} steps, ${result.crashes.engine} engine crashes, ${result.crashes.cli} CLI kills, ${took} s)`);
      } else {
        failed++;
        console.log(`sim seed ${s}: FAILED (${took} s)\n  ${result.violations.join('\n  ')}\n  schedule:\n    ${result.trace.join('\n    ')}\n  replay: ${replayCommand(options)}`);
      }
    }
    console.log(`sim: ${passed} of ${runs} runs passed across ${clients} clients each (seeds ${seed}..${seed + runs - 1}); ${crashes.engine} engine crashes, ${crashes.cli} CLI kills`);
  }
  return failed > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(2);
});
