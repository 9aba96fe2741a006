// Work item picker: recent and assigned items first; as the user types, an id is validated
// against ADO and text searches titles (debounced WIQL), so nobody has to know an id by heart.
import * as vscode from 'vscode';
import { wiqlString, type AdoClient, type WorkItem } from '../core/ado';
import type { Connection } from './connection';
import { ASSIGNED_TO_ME_WIQL } from './tree/groupSpec';
import { errorMessage } from '../core/errorMessage';

const RECENT_KEY = 'adoSync.recentWorkItems';
const MAX_RECENT = 10;
const SEARCH_DEBOUNCE_MS = 300;
const MAX_RESULTS = 50;

export interface PickedWorkItem {
  readonly id: number;
  readonly title: string;
  readonly type: string;
}

interface WorkItemPick extends vscode.QuickPickItem {
  readonly workItem?: PickedWorkItem;
}

export function summaryOf(item: WorkItem): PickedWorkItem {
  return { id: item.id, title: String(item.fields['System.Title'] ?? ''), type: String(item.fields['System.WorkItemType'] ?? vscode.l10n.t('Work item')) };
}

export function recentWorkItems(memento: vscode.Memento): PickedWorkItem[] {
  return memento.get<PickedWorkItem[]>(RECENT_KEY, []);
}

export async function rememberRecent(memento: vscode.Memento, item: PickedWorkItem): Promise<void> {
  const others = recentWorkItems(memento).filter((recent) => recent.id !== item.id);
  await memento.update(RECENT_KEY, [item, ...others].slice(0, MAX_RECENT));
}

/** Resolves to the chosen work item, or undefined when the user dismissed the picker. */
export async function pickWorkItem(connection: Connection, memento: vscode.Memento, title: string): Promise<PickedWorkItem | undefined> {
  const state = connection.current;
  if (!state) return undefined;
  const picker = new WorkItemQuickPick(state.client, recentWorkItems(memento), title);
  const chosen = await picker.run();
  if (chosen) await rememberRecent(memento, chosen);
  return chosen;
}

class WorkItemQuickPick {
  private readonly quickPick = vscode.window.createQuickPick<WorkItemPick>();
  private assigned: PickedWorkItem[] = [];
  private searchTimer: NodeJS.Timeout | undefined;
  /** Only the newest search may fill the list: answers can arrive out of order. */
  private searchSeq = 0;

  constructor(private readonly client: AdoClient, private readonly recent: PickedWorkItem[], title: string) {
    this.quickPick.title = title;
    this.quickPick.placeholder = vscode.l10n.t('Type a work item id or words of its title');
    this.quickPick.matchOnDescription = true;
    this.quickPick.ignoreFocusOut = true;
  }

  run(): Promise<PickedWorkItem | undefined> {
    this.showDefaults();
    void this.loadAssigned();
    return new Promise((resolve) => {
      this.quickPick.onDidChangeValue((value) => this.scheduleSearch(value));
      this.quickPick.onDidAccept(() => {
        const chosen = this.quickPick.selectedItems[0]?.workItem;
        if (!chosen) return;
        resolve(chosen);
        this.quickPick.hide();
      });
      this.quickPick.onDidHide(() => {
        clearTimeout(this.searchTimer);
        resolve(undefined);
        this.quickPick.dispose();
      });
      this.quickPick.show();
    });
  }

  private showDefaults(): void {
    const recentIds = new Set(this.recent.map((item) => item.id));
    this.quickPick.items = [
      ...section(vscode.l10n.t('Recent'), this.recent),
      ...section(vscode.l10n.t('Assigned to Me'), this.assigned.filter((item) => !recentIds.has(item.id))),
    ];
  }

  private async loadAssigned(): Promise<void> {
    this.quickPick.busy = true;
    try {
      this.assigned = await this.query(ASSIGNED_TO_ME_WIQL);
      if (this.quickPick.value.trim() === '') this.showDefaults();
    } catch (error) {
      this.quickPick.items = [...this.quickPick.items, { label: vscode.l10n.t('$(error) Could not load assigned work items: {0}', errorMessage(error)) }];
    } finally {
      this.quickPick.busy = false;
    }
  }

  private scheduleSearch(value: string): void {
    clearTimeout(this.searchTimer);
    const text = value.trim();
    if (text === '') return this.showDefaults();
    this.searchTimer = setTimeout(() => void this.search(text), SEARCH_DEBOUNCE_MS);
  }

  private async search(text: string): Promise<void> {
    const seq = ++this.searchSeq;
    this.quickPick.busy = true;
    try {
      const found = /^#?\d+$/.test(text) ? await this.byId(Number(text.replace('#', ''))) : await this.byTitle(text);
      if (seq !== this.searchSeq) return;
      // alwaysShow: the QuickPick's own filter must not hide what ADO matched (by id, or by words it ranks).
      this.quickPick.items = found.length > 0
        ? section(vscode.l10n.t('Search results'), found).map((pick) => ({ ...pick, alwaysShow: true }))
        : [{ label: vscode.l10n.t('$(search) No work item matches "{0}"', text), alwaysShow: true }];
    } catch (error) {
      if (seq === this.searchSeq) this.quickPick.items = [{ label: `$(error) ${errorMessage(error)}`, alwaysShow: true }];
    } finally {
      if (seq === this.searchSeq) this.quickPick.busy = false;
    }
  }

  private async byId(id: number): Promise<PickedWorkItem[]> {
    const [item] = await this.client.getWorkItems([id], { errorPolicy: 'omit' });
    return item ? [summaryOf(item)] : [];
  }

  private byTitle(text: string): Promise<PickedWorkItem[]> {
    return this.query(
      `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.Title] CONTAINS ${wiqlString(text)} ORDER BY [System.ChangedDate] DESC`,
    );
  }

  private async query(wiql: string): Promise<PickedWorkItem[]> {
    const { ids } = await this.client.queryWorkItemIds(wiql);
    if (ids.length === 0) return [];
    const items = await this.client.getWorkItems(ids.slice(0, MAX_RESULTS), { fields: ['System.Title', 'System.WorkItemType'], errorPolicy: 'omit' });
    return items.filter((item): item is WorkItem => item !== null).map(summaryOf);
  }
}

function section(label: string, items: readonly PickedWorkItem[]): WorkItemPick[] {
  if (items.length === 0) return [];
  return [
    { label, kind: vscode.QuickPickItemKind.Separator },
    ...items.map((workItem) => ({ label: `${workItem.id} ${workItem.title}`, description: workItem.type, workItem })),
  ];
}
