// Deterministic fault injection: rules scoped by route regex and method, drawn from a seeded PRNG.
//
// Text spec (CLI --faults): rules separated by ';', each `kinds@rate[:routeRegex][#METHOD][*count]`,
// kinds comma-separated. Examples:
//   "429,503,reset-mid-body@0.2:/_apis/wit/attachments"   20% of attachment calls fail one of three ways
//   "500@1:/_apis/wit/workitems#PATCH*2"                   the next two PATCHes of work items get a 500
//   "delay@0.5"                                             half of all calls wait delayMs (1000) first
// 403 and 404 stand for a route this server or user cannot use (a feature an older server lacks,
// a missing permission): clients must fall back, not retry.
// lose-answer carries the request out (a chunk is stored, a PATCH applied) and then drops the
// connection before answering: the client cannot know whether it happened.
export type FaultKind = '403' | '404' | '429' | '500' | '503' | 'reset' | 'reset-mid-body' | 'delay' | 'truncate' | 'lose-answer';
export const FAULT_KINDS: readonly FaultKind[] = ['403', '404', '429', '500', '503', 'reset', 'reset-mid-body', 'delay', 'truncate', 'lose-answer'];

export interface FaultRule {
  route?: string;
  method?: string;
  rate: number;
  kinds: FaultKind[];
  count?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
}

export class FaultSpecError extends Error {}

export function parseFaultSpec(spec: string): FaultRule[] {
  return spec
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((text) => {
      const match = /^([\w,-]+)@([0-9.]+)(?::([^#*]+))?(?:#(\w+))?(?:\*(\d+))?$/.exec(text);
      if (!match) throw new FaultSpecError(`invalid fault rule '${text}' (expected kinds@rate[:routeRegex][#METHOD][*count])`);
      const kinds = match[1].split(',').map((k) => k.trim());
      for (const kind of kinds) if (!FAULT_KINDS.includes(kind as FaultKind)) throw new FaultSpecError(`unknown fault kind '${kind}' (known: ${FAULT_KINDS.join(', ')})`);
      const rate = Number(match[2]);
      if (!(rate >= 0 && rate <= 1)) throw new FaultSpecError(`fault rate must be within 0..1 in '${text}'`);
      const rule: FaultRule = { kinds: kinds as FaultKind[], rate };
      if (match[3]) rule.route = match[3];
      if (match[4]) rule.method = match[4].toUpperCase();
      if (match[5]) rule.count = Number(match[5]);
      return rule;
    });
}

export function validateRules(rules: unknown): FaultRule[] {
  if (!Array.isArray(rules)) throw new FaultSpecError('rules must be an array');
  return rules.map((rule: unknown) => {
    const r = rule as FaultRule;
    if (typeof r !== 'object' || r === null || typeof r.rate !== 'number' || !Array.isArray(r.kinds)) throw new FaultSpecError('each rule needs rate and kinds');
    for (const kind of r.kinds) if (!FAULT_KINDS.includes(kind)) throw new FaultSpecError(`unknown fault kind '${String(kind)}'`);
    if (r.route !== undefined) new RegExp(r.route);
    return { ...r };
  });
}

/** mulberry32: tiny, seedable, good enough for fault draws. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultDecision {
  kind: FaultKind;
  rule: FaultRule;
}

export class FaultInjector {
  private rules: { rule: FaultRule; regex: RegExp | undefined; used: number }[] = [];
  private random: () => number = prng(1);

  constructor(rules: FaultRule[] = [], seed = 1) {
    this.set(rules, seed);
  }

  set(rules: FaultRule[], seed = 1): void {
    this.rules = rules.map((rule) => ({ rule, regex: rule.route ? new RegExp(rule.route, 'i') : undefined, used: 0 }));
    this.random = prng(seed);
  }

  get active(): FaultRule[] {
    return this.rules.map((r) => r.rule);
  }

  /** Draws for the first rule matching this request; undefined = serve normally. */
  decide(method: string, pathname: string): FaultDecision | undefined {
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (entry.regex && !entry.regex.test(pathname)) continue;
      if (rule.count !== undefined && entry.used >= rule.count) continue;
      if (this.random() >= rule.rate) continue;
      entry.used += 1;
      const kind = rule.kinds[Math.floor(this.random() * rule.kinds.length)] ?? rule.kinds[0];
      return { kind, rule };
    }
    return undefined;
  }
}
