// `ado-sync import-backlog --from ardoq|file ...`: Ardoq epics, features and user stories into
// Azure DevOps work items (issue 9, seed 002), with a progress bar on stderr and the run in history.
import os from 'node:os';
import path from 'node:path';
import { version } from '../../../package.json';
import {
  asKind,
  type BacklogHistory,
  type BacklogImportSummary,
  type BacklogKind,
  type BacklogProgressEvent,
  type BacklogSource,
  importBacklog,
  parsePairs,
  storeBacklogHistory,
  typeMapping,
  TypeMappingError,
} from '../../core/backlog';
import type { SyncSettings } from '../../core/settings';
import type { SyncDb } from '../../core/store/syncDb';
import type { Command, CommandContext, OptionValues } from '../command';
import { CliError, ExitCode, type ExitCodeValue } from '../exitCodes';
import { progressBar } from '../progress';
import { clientFor, closeDb, databaseUrlFor, dbFor, optionText as text, settingsFor, USER_AGENT, userName } from '../session';

const USAGE = `--from ardoq|file [options]

Source (Ardoq API; the token is read from ARDOQ_API_TOKEN, never from a flag):
  --ardoq-url <url>        Ardoq organization URL, e.g. https://acme.ardoq.com (ARDOQ_ORG_URL)
  --ardoq-org <label>      organization label sent as X-org (ARDOQ_ORG_LABEL)
  --workspace <id>         Ardoq workspace id (ARDOQ_WORKSPACE_ID)
Source (exported JSON file):
  --file <path>            components as {values:[...]}, [...] or {components:[...]}
  --source-key <key>       names the source for re-imports (default: its workspace id)
Mapping:
  --map <pairs>            Ardoq type=level, e.g. "Initiative=epic,Capability=feature,Story=user_story"
  --ado-types <pairs>      level=work item type, e.g. "user_story=Product Backlog Item"
  --id-field <ref>         also keep the Ardoq id in this field (e.g. Custom.ArdoqId)
Run:
  --overwrite              delete the work items earlier imports of this source created, then create
  --destroy                with --overwrite: destroy instead of moving to the recycle bin
  --dry-run                read both sides, change nothing, record no history`;

function sourceFrom(values: OptionValues, env: NodeJS.ProcessEnv, cwd: string): BacklogSource {
  const from = text(values, 'from');
  if (from === 'ardoq') {
    const orgUrl = text(values, 'ardoq-url') ?? env.ARDOQ_ORG_URL?.trim();
    const workspaceId = text(values, 'workspace') ?? env.ARDOQ_WORKSPACE_ID?.trim();
    const token = env.ARDOQ_API_TOKEN?.trim();
    const missing = [!orgUrl && '--ardoq-url (or ARDOQ_ORG_URL)', !workspaceId && '--workspace (or ARDOQ_WORKSPACE_ID)', !token && 'ARDOQ_API_TOKEN'].filter(Boolean);
    if (missing.length) throw new CliError(`Ardoq import needs ${missing.join(', ')}.`);
    return { kind: 'ardoq', orgUrl: orgUrl as string, orgLabel: text(values, 'ardoq-org') ?? env.ARDOQ_ORG_LABEL?.trim(), workspaceId: workspaceId as string, token: token as string };
  }
  if (from === 'file') {
    const file = text(values, 'file');
    if (!file) throw new CliError('--from file needs --file <path>.');
    return { kind: 'file', path: path.resolve(cwd, file), sourceKey: text(values, 'source-key') };
  }
  throw new CliError('--from must be "ardoq" or "file".');
}

function mappingFrom(values: OptionValues) {
  try {
    const map = text(values, 'map');
    const adoTypes = text(values, 'ado-types');
    return typeMapping({
      ardoqTypes: map ? Object.fromEntries(parsePairs(map).map(([type, level]) => [type, asKind(level)])) : undefined,
      adoTypes: adoTypes ? (Object.fromEntries(parsePairs(adoTypes).map(([level, type]) => [asKind(level), type])) as Partial<Record<BacklogKind, string>>) : undefined,
    });
  } catch (error) {
    if (error instanceof TypeMappingError) throw new CliError(error.message);
    throw error;
  }
}

/** A bar on an interactive stderr; failures as warnings otherwise. */
function progressReporter(context: CommandContext): (event: BacklogProgressEvent) => void {
  const { output } = context;
  let failed = 0;
  return (event) => {
    if (event.type === 'source:loaded') output.info(`${event.components} components read${event.skipped ? ` (${event.skipped} of other types skipped)` : ''}.`);
    else if (event.type === 'deletion:progress') output.info(`Overwrite: ${event.deleted}/${event.total} earlier work items deleted.`);
    else if ('outcome' in event) {
      if (event.outcome === 'failed') {
        failed += 1;
        output.warn(`${event.kind} "${event.name}" (${event.ardoqId}) failed: ${event.error}`);
      }
      output.progress(`${progressBar(event.done, event.total)} ${event.done}/${event.total}${failed ? `, ${failed} failed` : ''}`);
    }
  };
}

function humanSummary(s: BacklogImportSummary): string {
  const verb = s.dryRun ? 'would be ' : '';
  const kinds = (['epic', 'feature', 'user_story'] as const).map((k) => `${k.replace('_', ' ')}s ${s.byKind[k].created}/${s.byKind[k].failed}`).join(', ');
  const lines = [
    `Import ${s.status}${s.dryRun ? ' (dry run)' : ''}: ${s.totalItems} items from ${s.sourceKey || 'the source'} into ${s.project}.`,
    `  ${s.created} ${verb}created, ${s.updated} ${verb}updated, ${s.unchanged} unchanged, ${s.failed} failed (created/failed: ${kinds}).`,
  ];
  if (s.overwrite) lines.push(`  ${s.deletionCount} earlier work items ${verb}deleted${s.deletionFailed ? `, ${s.deletionFailed} could not be` : ''}.`);
  if (s.historyId !== undefined) lines.push(`  History run #${s.historyId}, ${s.durationMs} ms.`);
  if (s.error) lines.push(`  ${s.error}`);
  return lines.join('\n');
}

/**
 * History in the state database: PostgreSQL when a database URL is given, else the sql.js file. A
 * locked, unreadable or unreachable database only costs the history; a malformed URL is said.
 */
async function openHistory(context: CommandContext, settings: SyncSettings): Promise<{ history?: BacklogHistory; db?: SyncDb }> {
  databaseUrlFor(context);
  try {
    const db = await dbFor(context, settings);
    return { history: storeBacklogHistory(db), db };
  } catch (error) {
    context.output.warn(`History will not be recorded: ${(error as Error).message}`);
    return {};
  }
}

/** Credentials the user must fix end with the usage/authentication code, as the frame defines. */
const CREDENTIAL_ERRORS = new Set(['ArdoqAuthError', 'AuthenticationError']);

function exitCodeFor(summary: BacklogImportSummary): ExitCodeValue {
  if (summary.status === 'completed') return summary.failed ? ExitCode.itemFailed : ExitCode.ok;
  return summary.errorName && CREDENTIAL_ERRORS.has(summary.errorName) ? ExitCode.usage : ExitCode.itemFailed;
}

export const importBacklogCommand: Command = {
  name: 'import-backlog',
  summary: 'Import Ardoq epics, features and user stories as Azure DevOps work items (API or exported file).',
  usage: USAGE,
  options: {
    from: { type: 'string' },
    'ardoq-url': { type: 'string' },
    'ardoq-org': { type: 'string' },
    workspace: { type: 'string' },
    file: { type: 'string' },
    'source-key': { type: 'string' },
    map: { type: 'string' },
    'ado-types': { type: 'string' },
    'id-field': { type: 'string' },
    overwrite: { type: 'boolean', default: false },
    destroy: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  },
  async run(context) {
    const { values, env, output } = context;
    const source = sourceFrom(values, env, context.cwd);
    const mapping = mappingFrom(values);
    const settings = settingsFor(context);
    const { client } = clientFor(context, settings);
    const dryRun = values['dry-run'] === true;
    const { history, db } = dryRun ? {} : await openHistory(context, settings);
    try {
      const summary = await importBacklog({
        source,
        client,
        mapping,
        idField: text(values, 'id-field'),
        overwrite: values.overwrite === true,
        destroy: values.destroy === true,
        dryRun,
        history,
        origin: { userAgent: USER_AGENT, host: os.hostname(), userName: userName(), clientVersion: version },
        signal: context.signal,
        onProgress: progressReporter(context),
        log: (message) => output.warn(message),
      });
      output.result(summary, () => humanSummary(summary));
      return exitCodeFor(summary);
    } finally {
      if (db) await closeDb(db);
    }
  },
};
