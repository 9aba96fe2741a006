// The planner properties as one fast-check property, shared by the mocha suite (a bounded budget)
// and the soak script (as many cases as asked).
import fc from 'fast-check';
import { buildWorld, type Case, caseArb } from './arbitraries';
import { conflictFileName, numberedFileName, sanitizeFileName } from '../../src/core/sync/localFileName';
import { converge } from './convergence';

/** Every broken rule of one case: converge with agitation, then lose the database and converge again. */
export function violationsOf(c: Case, seed: number): string[] {
  const out = converge(buildWorld(c), c.options, { orderSeed: seed, failSeed: seed % 3 === 0 ? seed : undefined });
  if (out.blocked) return out.violations;
  // Losing the database (or reopening an old copy) must not link anything twice nor touch a file.
  const lost = converge({ ...out.world, known: [], ownUploads: new Map() }, { ...c.options, force: false, retryFailed: false });
  return [...out.violations, ...lost.violations.map((x) => `after losing the database: ${x}`)];
}

export const plannerProperty = fc.property(caseArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (c, seed) => {
  const broken = violationsOf(c, seed);
  if (broken.length > 0) throw new Error(broken.join('\n'));
});

/**
 * allocateName() loops until a free name comes up: if numbering a name at the byte limit loses the
 * number (finding P5), the generated long names would hang the run instead of failing it.
 */
function allocationTerminates(): boolean {
  const longest = sanitizeFileName(`${'long'.repeat(60)}.txt`);
  return numberedFileName(longest, 2) !== longest && conflictFileName(longest, 'ADO', new Date(0)) !== longest;
}

/** Runs the property; on failure the message holds the seed, the shrunk case and the command that replays it. */
export function checkPlanner(runs: number, seed: number): { ok: boolean; message: string } {
  if (!allocationTerminates()) {
    return { ok: false, message: 'numberedFileName()/conflictFileName() drop their suffix on a name at the byte limit, so allocateName() would loop forever on the generated long names (finding P5); fix localFileName.ts first' };
  }
  const result = fc.check(plannerProperty, { numRuns: runs, seed });
  if (!result.failed) return { ok: true, message: `${runs} planner cases passed (seed ${seed})` };
  const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  return {
    ok: false,
    message: `${error}\n${fc.defaultReportMessage(result) ?? ''}\nreplay: npm run test:soak -- --suite model --seed ${seed} --runs ${runs}`,
  };
}
