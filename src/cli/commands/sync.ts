// `ado-sync sync [--work-item <id>...] [--dry-run] [--replace]`: the seed's POST /api/sync/force-sync, both
// directions for the tracked (or given) work items; --dry-run prints the plan and changes nothing.
import type { BlockedPlan, PlannedAction } from '../../core/sync/engineApi';
import { workItemId } from '../args';
import type { Command, OptionValues } from '../command';
import { runJson } from '../../core/answers/attachments';
import { finishRun, runHuman, withEngine } from '../engineSession';
import { CliError, ExitCode } from '../exitCodes';
import { formatBytes } from '../../shared/format';
import { showTransferProgress } from '../progress';
import { table } from '../table';

function idsOf(values: OptionValues): number[] | undefined {
  const raw = values['work-item'];
  if (raw === undefined) return undefined;
  const list = (Array.isArray(raw) ? raw : [raw]).map((v) => workItemId(String(v), '--work-item'));
  return [...new Set(list)];
}

function detail(a: PlannedAction | BlockedPlan): string {
  switch (a.kind) {
    case 'upload': return `${a.reason}, ${formatBytes(a.size)}${a.supersedes.length ? `, replaces ${a.supersedes.length} earlier version(s)` : ''}`;
    case 'refuse': return a.message;
    case 'download': return `${a.size === undefined ? '' : formatBytes(a.size)}${a.as === 'conflict' ? ', kept beside a different local file' : ''}${a.moveAside ? ', the local file moves aside' : ''} -> ${a.localPath}`;
    case 'verify': return `content unknown: downloaded and compared with ${a.localPath}`;
    case 'duplicate': return 'already attached: nothing is sent';
    case 'keepRemoteOnly': return 'a different local file holds the name: the ADO version stays in ADO (preferLocal)';
    case 'markRemoteRemoved': return 'removed in ADO: the record is marked, the file stays';
    case 'markLocalDeleted': return 'deleted locally: the record is marked, ADO is untouched';
    case 'adopt': return 'already linked: the record is restored';
    case 'blocked': return `max-delete brake: ${a.removals} of ${a.total} synced attachments gone from ADO; confirm with --force`;
    case 'skip': return a.reason;
  }
}

function planHuman(plan: readonly (PlannedAction | BlockedPlan)[]): string {
  const work = plan.filter((a) => a.kind !== 'skip');
  const head = `Dry run: ${work.length} action(s), ${plan.length - work.length} file(s) already in sync. Nothing was changed.`;
  return work.length ? `${head}\n\n${table(['ACTION', 'WORK ITEM', 'FILE', 'DETAIL'], work.map((a) => [a.kind, String(a.workItemId), a.fileName, detail(a)]))}` : head;
}

export const syncCommand: Command = {
  name: 'sync',
  summary: 'Sync tracked (or the given) work items both ways now; --dry-run shows the plan.',
  usage: `[--work-item <id>]... [--dry-run] [--replace] [--force] [--retry-failed]

  --work-item <id>     sync this work item (repeatable); default: every tracked one
  --dry-run            print what would be uploaded, downloaded or marked, change nothing
  --replace            a changed file replaces its previous version in ADO (default: both stay)
  --force              go on where the max-delete brake stopped a work item (many attachments
                       gone from ADO at once); records are marked, local files always stay
  --retry-failed       try again files that failed for good before (too large, refused)`,
  options: {
    'work-item': { type: 'string', multiple: true },
    'dry-run': { type: 'boolean', default: false },
    replace: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    'retry-failed': { type: 'boolean', default: false },
  },
  async run(context) {
    const { values, output } = context;
    const ids = idsOf(values);
    return withEngine(context, async ({ engine }) => {
      const workItemIds = ids ?? engine.trackedIds();
      if (workItemIds.length === 0) throw new CliError('Nothing to sync: no work item is tracked. Track some with "ado-sync track <id...>" or pass --work-item <id>.');
      if (values['dry-run'] === true) {
        const plan = await engine.plan({ workItemIds, force: values.force === true, replace: values.replace === true, signal: context.signal });
        output.result({ success: true, dryRun: true, workItemIds, plan }, () => planHuman(plan));
        return ExitCode.ok;
      }
      const stop = showTransferProgress(output, engine.events);
      try {
        const summary = await engine.sync({ workItemIds, trigger: 'manual', replace: values.replace === true, force: values.force === true,
          retryFailed: values['retry-failed'] === true, signal: context.signal });
        const target = workItemIds.length === 1 ? `work item ${workItemIds[0]}` : `${workItemIds.length} work items`;
        output.result({ ...runJson(summary, `Synced ${target}`), workItemIds }, () => runHuman(`Sync of ${target}`, summary));
        return finishRun(output, summary);
      } finally {
        stop();
      }
    });
  },
};
