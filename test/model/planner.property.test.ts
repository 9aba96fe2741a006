// CanopyCheck for the planner: thousands of random but correlated (relations, mirror files, records)
// states of a work item, each planned, applied as if every action succeeded (some failing on purpose),
// planned again until nothing is left, with the rules checked on the way (test/model/convergence.ts).
// MODEL_RUNS and MODEL_SEED override the budget and the seed; a failure prints the replay command.
import { strict as assert } from 'node:assert';
import { checkPlanner } from './properties';

describe('planner properties (model-based, fast-check)', function () {
  this.timeout(120_000);

  it('terminates, converges, never overwrites a file, never links content twice, ignores input order, survives a lost database', () => {
    const runs = Number(process.env.MODEL_RUNS ?? 10_000);
    const seed = Number(process.env.MODEL_SEED ?? Date.now() % 2 ** 31);
    const result = checkPlanner(runs, seed);
    assert.ok(result.ok, result.message);
  });
});
