// Whole-system convergence runs (test/sim/simulation.ts) on a bounded budget: SIM_RUNS runs (default
// 5) of three clients and a colleague from SIM_SEED (default: the clock). A failing run prints its
// violations, its schedule and the one-line command that replays it; `npm run test:soak` runs more.
import { strict as assert } from 'node:assert';
import { replayCommand, runSimulation } from './simulation';

describe('whole-system convergence (3 clients, colleague, faults, crashes)', function () {
  this.timeout(600_000);
  const runs = Number(process.env.SIM_RUNS ?? 5);
  const first = Number(process.env.SIM_SEED ?? Date.now() % 2 ** 31);

  for (let i = 0; i < runs; i++) {
    const seed = first + i;
    it(`seed ${seed}: every mirror and ADO agree once the clients are quiet, nothing lost or linked twice`, async () => {
      const result = await runSimulation({ seed, clients: 3 });
      assert.deepEqual(result.violations, [], `${result.violations.join('\n')}\nschedule:\n  ${result.trace.join('\n  ')}\nreplay: ${replayCommand({ seed, clients: 3 })}`);
    });
  }
});
