// `ado-sync sync [--work-item <id>...] [--dry-run] [--replace]`: the seed's POST /api/sync/force-sync, both
// directions for the tracked (or given) work items; --dry-run prints the plan and changes nothing.
import type { PlannedAction } from '../../core/sync/engineApi';
import { workItemId } from '../args';
import type { Command, OptionValues } from '../command';
import { finishRun, runHuman, runJson, withEngine } from '../engineSession';
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

function detail(a: PlannedAction): string {
  switch (a.kind) {
    case 'upload': return `${a.reason}, ${formatBytes(a.size)}`;
    case 'download': return `${a.size === undefined ? '' : formatBytes(a.size)}${a.replaces ? ', replaces an unchanged local copy' : ''}`;
    case 'conflict': return 'both sides changed: the ADO version is kept beside the local file';
    case 'markRemoteRemoved': return 'removed in ADO: the record is marked, the file stays';
    case 'adopt': return 'already linked: the record is restored';
    case 'skip': return a.reason;
  }
}

function planHuman(plan: readonly PlannedAction[]): string {
  const work = plan.filter((a) => a.kind !== 'skip');
  const head = `Dry run: ${work.length} action(s), ${plan.length - work.length} file(s) already in sync. Nothing was changed.`;
  return work.length ? `${head}\n\n${table(['ACTION', 'WORK ITEM', 'FILE', 'DETAIL'], work.map((a) => [a.kind, String(a.workItemId), a.fileName, detail(a)]))}` : head;
}

export const syncCommand: Command = {
  name: 'sync',
  summary: 'Sync tracked (or the given) work items both ways now; --dry-run shows the plan.',
  usage: `[--work-item <id>]... [--dry-run] [--replace]

  --work-item <id>     sync this work item (repeatable); default: every tracked one
  --dry-run            print what would be uploaded, downloaded or marked, change nothing
  --replace            a changed file replaces its previous version in ADO (default: both stay)`,
  options: {
    'work-item': { type: 'string', multiple: true },
    'dry-run': { type: 'boolean', default: false },
    replace: { type: 'boolean', default: false },
  },
  async run(context) {
    const { values, output } = context;
    const ids = idsOf(values);
    return withEngine(context, async ({ engine }) => {
      const workItemIds = ids ?? engine.trackedIds();
      if (workItemIds.length === 0) throw new CliError('Nothing to sync: no work item is tracked. Track some with "ado-sync track <id...>" or pass --work-item <id>.');
      if (values['dry-run'] === true) {
        const plan = await engine.plan({ workItemIds, signal: context.signal });
        output.result({ success: true, dryRun: true, workItemIds, plan }, () => planHuman(plan));
        return ExitCode.ok;
      }
      const stop = showTransferProgress(output, engine.events);
      try {
        const summary = await engine.sync({ workItemIds, trigger: 'manual', replace: values.replace === true, signal: context.signal });
        const target = workItemIds.length === 1 ? `work item ${workItemIds[0]}` : `${workItemIds.length} work items`;
        output.result({ ...runJson(summary, `Synced ${target}`), workItemIds }, () => runHuman(`Sync of ${target}`, summary));
        return finishRun(output, summary);
      } finally {
        stop();
      }
    });
  },
};
