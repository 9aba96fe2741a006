// Keeps package.json and the code in agreement (after vscode-pull-request-github's
// check-commands): every contributed command is registered, every registered command is
// contributed, every custom context key used in a `when` clause is set somewhere, and
// l10n/bundle.l10n.json holds exactly the strings the code passes to l10n.t (`npm run l10n`).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

const sourcePaths = sourceFiles(path.join(root, 'src'));
const sources = sourcePaths.map((file) => readFileSync(file, 'utf8'));
const code = sources.join('\n');

// Ids live in src/shared/ids.ts as `key: 'adoSync.x'` entries of the Commands/ContextKeys objects.
const ids = readFileSync(path.join(root, 'src/shared/ids.ts'), 'utf8');
function objectEntries(objectName) {
  const block = new RegExp(`export const ${objectName} = \\{([\\s\\S]*?)\\} as const`).exec(ids);
  if (!block) return new Map();
  return new Map([...block[1].matchAll(/(\w+):\s*'([^']+)'/g)].map((match) => [match[1], match[2]]));
}

const commandIds = objectEntries('Commands');
const contextKeys = objectEntries('ContextKeys');
const contributed = new Set((manifest.contributes?.commands ?? []).map((command) => command.command));
const registered = new Set(
  [...commandIds].filter(([key, id]) => new RegExp(`registerCommand\\(\\s*Commands\\.${key}\\b`).test(code) || code.includes(`registerCommand('${id}'`)).map(([, id]) => id),
);

const problems = [];
// Every %key% of the manifest is in package.nls.json (English; translations add package.nls.<lang>.json).
const nls = JSON.parse(readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
for (const key of JSON.stringify(manifest).match(/"%[\w.-]+%"/g) ?? []) {
  if (!(key.slice(2, -2) in nls)) problems.push(`package.json names ${key.slice(1, -1)}, which package.nls.json lacks`);
}
for (const id of contributed) {
  if (!registered.has(id)) problems.push(`contributed but never registered: ${id}`);
}
for (const id of registered) {
  if (!contributed.has(id)) problems.push(`registered but not contributed in package.json: ${id}`);
}

function whenClauses(node) {
  if (Array.isArray(node)) return node.flatMap(whenClauses);
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([key, value]) => (key === 'when' || key === 'enablement') && typeof value === 'string' ? [value] : whenClauses(value));
  }
  return [];
}
const usedKeys = new Set(whenClauses(manifest.contributes ?? {}).flatMap((clause) => clause.match(/\badoSync\.[\w.]+/g) ?? []));
const keyNames = new Map([...contextKeys].map(([key, id]) => [id, key]));
for (const used of usedKeys) {
  if (used.startsWith('adoSync.') && contributed.has(used)) continue;
  const key = keyNames.get(used);
  if (!key) {
    problems.push(`context key used in a when clause but not declared in ContextKeys: ${used}`);
  } else if (!new RegExp(`ContextKeys\\.${key}\\b`).test(code.replace(/export const ContextKeys[\s\S]*?as const/, ''))) {
    problems.push(`context key used in a when clause but never set: ${used}`);
  }
}

// Every message given to vscode.l10n.t or @vscode/l10n's t is a literal (the export tool reads only
// literals) and a key of the bundle; the bundle has no key the code no longer uses.
function l10nMessages(file, text) {
  const found = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && /^(vscode\.)?l10n\.t$/.test(node.expression.getText())) {
      const [first] = node.arguments;
      if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) found.push(first.text);
      else problems.push(`${path.relative(root, file)}: l10n.t needs a literal message, got ${first ? first.getText() : 'nothing'}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true));
  return found;
}
const messages = new Set(sourcePaths.flatMap((file, i) => l10nMessages(file, sources[i])));
if (manifest.l10n !== './l10n') problems.push(`package.json's "l10n" must be "./l10n" (it is ${JSON.stringify(manifest.l10n)})`);
let bundle = {};
try {
  bundle = JSON.parse(readFileSync(path.join(root, 'l10n/bundle.l10n.json'), 'utf8'));
} catch (error) {
  problems.push(`l10n/bundle.l10n.json cannot be read (${error.message}): run npm run l10n`);
}
for (const message of messages) {
  if (!(message in bundle)) problems.push(`l10n.t(${JSON.stringify(message)}) is missing from l10n/bundle.l10n.json: run npm run l10n`);
}
for (const key of Object.keys(bundle)) {
  if (!messages.has(key)) problems.push(`l10n/bundle.l10n.json has ${JSON.stringify(key)}, which no l10n.t call uses: run npm run l10n`);
}

console.log(`contributions: ${contributed.size} commands contributed, ${registered.size} registered, ${usedKeys.size} context keys in when clauses, ${messages.size} l10n messages`);
if (problems.length > 0) {
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log('contributions: ok');
