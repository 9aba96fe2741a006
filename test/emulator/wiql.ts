// The WIQL subset clients send: SELECT ... FROM WorkItems [WHERE cond] [ORDER BY f [ASC|DESC], ...].
// Conditions: = <> > >= < <= on fields, IN (...), NOT IN, CONTAINS, NOT CONTAINS, AND/OR, parentheses;
// macros @project, @me, @today. Date literals carrying a time need timePrecision=true.
import { AdoError } from './wire';

type Token = { kind: 'field' | 'string' | 'number' | 'word' | 'op' | 'punct' | 'macro'; text: string };

export interface WiqlContext {
  project: string;
  me: string;
  timePrecision: boolean;
}

export interface WiqlQuery {
  columns: string[];
  where: Condition | undefined;
  orderBy: { field: string; descending: boolean }[];
}

type Value = string | number | { macro: string };
type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'compare'; field: string; op: string; value: Value }
  | { kind: 'in'; field: string; values: Value[]; not: boolean }
  | { kind: 'contains'; field: string; value: Value; not: boolean };

function syntax(message: string): AdoError {
  return new AdoError(400, `TF51006: The query statement is missing or invalid: ${message}`, 'QuerySyntaxException');
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:\[([^\]]+)\]|'((?:[^']|'')*)'|"((?:[^"]|"")*)"|(-?\d+(?:\.\d+)?)\b|(@\w+)|(<>|>=|<=|=|<|>)|([(),])|([A-Za-z_][\w.]*))/y;
  let index = 0;
  while (index < query.length) {
    if (/^\s*$/.test(query.slice(index))) break;
    re.lastIndex = index;
    const m = re.exec(query);
    if (!m) throw syntax(`unexpected text near '${query.slice(index, index + 20)}'`);
    index = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'field', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'string', text: m[2].replace(/''/g, "'") });
    else if (m[3] !== undefined) tokens.push({ kind: 'string', text: m[3].replace(/""/g, '"') });
    else if (m[4] !== undefined) tokens.push({ kind: 'number', text: m[4] });
    else if (m[5] !== undefined) tokens.push({ kind: 'macro', text: m[5].toLowerCase() });
    else if (m[6] !== undefined) tokens.push({ kind: 'op', text: m[6] });
    else if (m[7] !== undefined) tokens.push({ kind: 'punct', text: m[7] });
    else tokens.push({ kind: 'word', text: m[8] });
  }
  return tokens;
}

const FRIENDLY: Record<string, string> = {
  id: 'System.Id', title: 'System.Title', state: 'System.State', 'work item type': 'System.WorkItemType', 'changed date': 'System.ChangedDate',
  'created date': 'System.CreatedDate', 'assigned to': 'System.AssignedTo', 'team project': 'System.TeamProject', rev: 'System.Rev', 'area path': 'System.AreaPath',
};

export function fieldName(name: string): string {
  return FRIENDLY[name.toLowerCase()] ?? name;
}

export function parseWiql(query: string): WiqlQuery {
  const tokens = tokenize(query);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (w: string) => peek()?.kind === 'word' && peek().text.toUpperCase() === w;
  const expectWord = (w: string) => {
    if (!isWord(w)) throw syntax(`expected ${w}`);
    pos += 1;
  };
  const field = (): string => {
    const t = tokens[pos++];
    if (!t || (t.kind !== 'field' && t.kind !== 'word')) throw syntax('expected a field name');
    return fieldName(t.text);
  };
  const value = (): Value => {
    const t = tokens[pos++];
    if (!t) throw syntax('expected a value');
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'macro') return { macro: t.text };
    throw syntax(`unexpected '${t.text}'`);
  };
  const condition = (): Condition => {
    let left = conjunction();
    while (isWord('OR')) {
      pos += 1;
      left = { kind: 'or', left, right: conjunction() };
    }
    return left;
  };
  const conjunction = (): Condition => {
    let left = primary();
    while (isWord('AND')) {
      pos += 1;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const primary = (): Condition => {
    if (peek()?.text === '(') {
      pos += 1;
      const inner = condition();
      if (tokens[pos++]?.text !== ')') throw syntax('expected )');
      return inner;
    }
    const f = field();
    let not = false;
    if (isWord('NOT')) {
      not = true;
      pos += 1;
    }
    if (isWord('IN')) {
      pos += 1;
      if (tokens[pos++]?.text !== '(') throw syntax('expected ( after IN');
      const values: Value[] = [value()];
      while (peek()?.text === ',') {
        pos += 1;
        values.push(value());
      }
      if (tokens[pos++]?.text !== ')') throw syntax('expected ) after IN list');
      return { kind: 'in', field: f, values, not };
    }
    if (isWord('CONTAINS')) {
      pos += 1;
      if (isWord('WORDS')) pos += 1;
      return { kind: 'contains', field: f, value: value(), not };
    }
    if (not) throw syntax('NOT must be followed by IN or CONTAINS');
    const op = tokens[pos++];
    if (!op || op.kind !== 'op') throw syntax(`expected an operator after [${f}]`);
    return { kind: 'compare', field: f, op: op.text, value: value() };
  };

  expectWord('SELECT');
  const columns = [field()];
  while (peek()?.text === ',') {
    pos += 1;
    columns.push(field());
  }
  expectWord('FROM');
  const source = tokens[pos++];
  if (!source || !/^workitems$/i.test(source.text)) throw syntax('only FROM WorkItems is supported by the emulator');
  let where: Condition | undefined;
  if (isWord('WHERE')) {
    pos += 1;
    where = condition();
  }
  const orderBy: WiqlQuery['orderBy'] = [];
  if (isWord('ORDER')) {
    pos += 1;
    expectWord('BY');
    do {
      if (peek()?.text === ',') pos += 1;
      const f = field();
      let descending = false;
      if (isWord('DESC')) {
        descending = true;
        pos += 1;
      } else if (isWord('ASC')) pos += 1;
      orderBy.push({ field: f, descending });
    } while (peek()?.text === ',');
  }
  if (pos < tokens.length) throw syntax(`unexpected '${tokens[pos].text}'`);
  return { columns, where, orderBy };
}

const DATE_FIELDS = /Date$/;

function resolve(value: Value, ctx: WiqlContext): string | number {
  if (typeof value !== 'object') return value;
  if (value.macro === '@project') return ctx.project;
  if (value.macro === '@me') return ctx.me;
  if (value.macro === '@today') return new Date().toISOString().slice(0, 10);
  throw syntax(`the macro ${value.macro} is not supported`);
}

function dateValue(literal: string, ctx: WiqlContext): number {
  const hasTime = /\d[T ]\d{1,2}:\d{2}/.test(literal);
  if (hasTime && !ctx.timePrecision) {
    throw new AdoError(400, 'You cannot supply a time with the date when running a query using date precision.', 'InvalidQueryDateTimePrecisionException');
  }
  const iso = /[zZ]|[+-]\d{2}:?\d{2}$/.test(literal) ? literal : `${literal}${hasTime ? 'Z' : 'T00:00:00Z'}`;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) throw syntax(`'${literal}' is not a valid date`);
  return time;
}

function fieldText(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'uniqueName' in value) return String((value as { uniqueName: unknown }).uniqueName);
  return value === undefined || value === null ? '' : String(value);
}

function compare(fieldValue: unknown, op: string, raw: string | number, field: string, ctx: WiqlContext): boolean {
  let left: string | number;
  let right: string | number;
  if (DATE_FIELDS.test(field) && typeof raw === 'string') {
    right = dateValue(raw, ctx);
    left = Date.parse(String(fieldValue));
    // Date precision compares whole days.
    if (!ctx.timePrecision) left = Math.floor(left / 86400000) * 86400000;
    else left = Math.floor(left / 1000) * 1000;
  } else if (typeof raw === 'number' || typeof fieldValue === 'number') {
    left = Number(fieldValue);
    right = Number(raw);
  } else {
    left = fieldText(fieldValue).toLowerCase();
    right = String(raw).toLowerCase();
  }
  switch (op) {
    case '=': return left === right;
    case '<>': return left !== right;
    case '>': return left > right;
    case '>=': return left >= right;
    case '<': return left < right;
    case '<=': return left <= right;
    default: throw syntax(`operator ${op}`);
  }
}

export function matches(condition: Condition | undefined, fields: Record<string, unknown>, ctx: WiqlContext): boolean {
  if (!condition) return true;
  switch (condition.kind) {
    case 'and': return matches(condition.left, fields, ctx) && matches(condition.right, fields, ctx);
    case 'or': return matches(condition.left, fields, ctx) || matches(condition.right, fields, ctx);
    case 'compare': return compare(fields[condition.field], condition.op, resolve(condition.value, ctx), condition.field, ctx);
    case 'in': {
      const found = condition.values.some((v) => compare(fields[condition.field], '=', resolve(v, ctx), condition.field, ctx));
      return condition.not ? !found : found;
    }
    case 'contains': {
      const found = fieldText(fields[condition.field]).toLowerCase().includes(String(resolve(condition.value, ctx)).toLowerCase());
      return condition.not ? !found : found;
    }
  }
}

/** Validates every date literal up front so a date-precision error is raised even on an empty set. */
export function checkLiterals(condition: Condition | undefined, ctx: WiqlContext): void {
  if (!condition) return;
  if (condition.kind === 'and' || condition.kind === 'or') {
    checkLiterals(condition.left, ctx);
    checkLiterals(condition.right, ctx);
  } else if (condition.kind === 'compare' && DATE_FIELDS.test(condition.field)) {
    const v = resolve(condition.value, ctx);
    if (typeof v === 'string') dateValue(v, ctx);
  }
}

export function sortValue(value: unknown): string | number {
  if (typeof value === 'number') return value;
  return fieldText(value);
}
