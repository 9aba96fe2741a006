// The CanopyCheck loop: plan -> apply as if every action succeeded -> plan, until the plan has no
// effective action, checking on the way and at the end the promises the planner makes (DESIGN.md
// principles 1, 2, 4, 10, 11).
import path from 'node:path';
import { nameKey } from '../../src/core/sync/localFileName';
import { effectiveActions, type Plan, type PlannedAction, type PlanOptions, planWorkItem } from '../../src/core/sync/planner';
import { mulberry32 } from '../support/prng';
import { applyAction, cloneWorld, inMirror, plannerInput, Violations, type World } from './world';

export const MAX_ROUNDS = 8;
export const NOW = new Date('2026-11-27T10:00:00Z');

export interface Outcome {
  world: World;
  rounds: number;
  plans: Plan[];
  blocked: boolean;
  violations: string[];
}

export interface Agitation {
  /** Shuffles the planner's input each round and compares the plans. */
  orderSeed?: number;
  /** In the first rounds, each action fails (is not applied) with this seed's draws: a transient failure or a crash before commit. */
  failSeed?: number;
}

export function converge(start: World, options: Omit<PlanOptions, 'now'>, agitation: Agitation = {}): Outcome {
  const { orderSeed, failSeed } = agitation;
  const fails = failSeed === undefined ? () => false : ((random) => () => random() < 0.3)(mulberry32(failSeed));
  const w = cloneWorld(start);
  const v = new Violations(start);
  const plans: Plan[] = [];
  const uploaded = new Set<string>();
  const downloaded = new Set<string>();
  let blocked = false;
  let rounds = 0;
  for (; rounds < MAX_ROUNDS; rounds++) {
    // force and retryFailed are one-shot requests of the user: they apply to the first plan only.
    const opts: PlanOptions = { ...options, now: NOW, ...(rounds > 0 ? { force: false, retryFailed: false } : {}) };
    const input = plannerInput(w, opts);
    const plan = planWorkItem(input);
    plans.push(plan);
    if (orderSeed !== undefined) checkOrder(w, opts, plan, orderSeed + rounds, v);
    if (plan.blocked) {
      blocked = true;
      break;
    }
    const effective = effectiveActions(plan);
    if (effective.length === 0) break;
    checkPlan(w, plan, v);
    const applied = effective.filter(() => rounds >= 2 || !fails());
    for (const a of applied) {
      if (a.kind === 'upload') {
        // The same content sent to this work item twice across rounds: the first plan's effect was not seen.
        if (uploaded.has(a.sha256)) v.add('uploaded-twice', `${a.sha256} (${a.path}) in round ${rounds + 1}`);
        uploaded.add(a.sha256);
        const holder = w.relations.find((r) => r.content === a.sha256);
        if (holder) v.add('duplicate-relation', `uploads ${a.sha256} from ${a.path} though ${holder.attachmentId} (${holder.fileName}, marker ${holder.marker ?? 'none'}) holds it`);
      }
      if (a.kind === 'download' || a.kind === 'verify') {
        if (downloaded.has(a.attachmentId)) v.add('downloaded-twice', `${a.attachmentId} in round ${rounds + 1}`);
        downloaded.add(a.attachmentId);
      }
    }
    for (const a of applied) applyAction(w, a, v);
  }
  if (rounds === MAX_ROUNDS) v.add('no-fixpoint', `still acting after ${MAX_ROUNDS} rounds: ${JSON.stringify(effectiveActions(plans[plans.length - 1]).map(brief))}`);
  if (!blocked && rounds < MAX_ROUNDS) checkEnd(w, options, v);
  checkRecords(start, w, v);
  return { world: w, rounds, plans, blocked, violations: v.list };
}

/** Within one plan: no two actions write to one name, and no action targets a name a file holds. */
function checkPlan(w: World, plan: Plan, v: Violations): void {
  const targets = new Map<string, string>();
  for (const a of plan.actions) {
    for (const t of writesOf(a)) {
      const key = nameKey(t);
      const other = targets.get(key);
      if (other !== undefined) v.add('one-name-twice-in-a-plan', `${JSON.stringify(t)} and ${JSON.stringify(other)}`);
      targets.set(key, t);
    }
  }
  void w;
}

function writesOf(a: PlannedAction): string[] {
  if (a.kind === 'download') return [a.localPath, ...(a.moveAside ? [a.moveAside.to] : [])].map(mirrorKey);
  if (a.kind === 'verify') return a.differ.kind === 'keepBeside' ? [mirrorKey(a.differ.path)] : a.differ.kind === 'replaceLocal' ? [mirrorKey(a.differ.moveAsideTo)] : [];
  return [];
}

function mirrorKey(p: string): string {
  return `${path.dirname(p)}/${path.basename(p)}`;
}

/** The order of local files, relations and records given to the planner does not change the plan. */
function checkOrder(w: World, options: PlanOptions, plan: Plan, seed: number, v: Violations): void {
  const input = plannerInput(w, options);
  const random = mulberry32(seed);
  const shuffled = planWorkItem({ ...input, local: shuffle(input.local, random), remote: shuffle(input.remote, random), known: shuffle(input.known, random) });
  const a = canonical(plan);
  const b = canonical(shuffled);
  if (a !== b) v.add('order-changes-the-plan', `in order: ${a}\nshuffled (seed ${seed}): ${b}`);
}

export function canonical(plan: Plan): string {
  return JSON.stringify({ blocked: plan.blocked ?? null, actions: plan.actions.map((a) => JSON.stringify(a, Object.keys(a).sort())).sort() });
}

/**
 * At the fixpoint: each content linked in ADO is in a local file unless a rule says why not, and
 * each local content is linked unless a rule says why not.
 */
function checkEnd(w: World, options: Omit<PlanOptions, 'now'>, v: Violations): void {
  const mirrorContents = new Set([...w.files.values()].filter((f) => inMirror(f.path)).map((f) => f.content));
  for (const r of w.relations) {
    if (mirrorContents.has(r.content)) continue;
    // This content (by this relation or another) was soft-deleted, remembered under preferLocal, or
    // synced to a file the user edited since (the older version stays in ADO only).
    const records = w.known.filter((k) => k.attachmentId === r.attachmentId || (k.sha256 === r.content && k.synced));
    if (records.some((k) => k.deleted || k.conflictKept || (k.localPath && w.files.has(k.localPath)))) continue;
    v.add('remote-content-missing-locally', `${r.attachmentId} (${JSON.stringify(r.fileName)}, ${r.content}) has no local file; records ${JSON.stringify(records)}`);
  }
  const linked = new Set(w.relations.map((r) => r.content));
  for (const f of w.files.values()) {
    if (!inMirror(f.path) || linked.has(f.content)) continue;
    const records = w.known.filter((k) => k.sha256 === f.content);
    // Removed in ADO after it was synced (the removal wins), failed for good, or over the 100-attachment limit.
    if (records.some((k) => k.synced || k.failedPermanently)) continue;
    v.add('local-content-not-linked', `${JSON.stringify(f.path)} (${f.content}) is linked nowhere; records ${JSON.stringify(records)}`);
  }
  void options;
}

/**
 * Live records never hold two spellings of one name (equal by nameKey, as a case-insensitive or
 * normalising file system sees them). Two records at the very same path are allowed: an edited
 * file's older version keeps its path (so it is not downloaded back beside the newer one).
 */
function checkRecords(start: World, w: World, v: Violations): void {
  // Two spellings the user made on a case-sensitive file system are theirs; the planner must not add one.
  const given = (p: string) => start.files.has(p) || start.known.some((k) => k.localPath === p);
  const seen = new Map<string, { recordId: number; path: string }>();
  for (const k of w.known) {
    if (k.deleted || !k.localPath || k.remoteRemoved) continue;
    const key = `${path.dirname(k.localPath)}/${nameKey(path.basename(k.localPath))}`;
    const other = seen.get(key);
    if (other !== undefined && other.path !== k.localPath && !(given(other.path) && given(k.localPath))) v.add('two-records-one-name', `records ${other.recordId} and ${k.recordId} at ${JSON.stringify(other.path)} and ${JSON.stringify(k.localPath)}`);
    seen.set(key, { recordId: k.recordId, path: k.localPath });
  }
}

export function brief(a: PlannedAction): string {
  const where = 'localPath' in a ? a.localPath : 'path' in a ? a.path : '';
  const id = 'attachmentId' in a ? a.attachmentId : '';
  return `${a.kind} ${a.fileName} ${id} ${where}`.trim();
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
