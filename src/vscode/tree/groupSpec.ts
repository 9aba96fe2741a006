// What a top-level group of the Work Items tree lists, and how much of it at a time (vscode-free:
// the bench reads the same queries).

export type GroupKind = 'tracked' | 'assigned' | 'query';

export const ASSIGNED_TO_ME_WIQL =
  'SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.AssignedTo] = @me ORDER BY [System.ChangedDate] DESC';

/** Work items a group shows at first and adds per "Load more…" (workitemsbatch reads 200 ids a call). */
export const PAGE_SIZE = 200;

export interface GroupSpec {
  readonly kind: GroupKind;
  readonly label: string;
  /** WIQL for assigned/query groups; tracked groups list the engine's tracked ids. */
  readonly wiql?: string;
  /** How many are known before the group loads (the tracked ones): said beside the label. */
  readonly count?: number;
}
