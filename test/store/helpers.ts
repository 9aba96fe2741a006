import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore, type StoreOptions, type SyncStore } from '../../src/core/store';

/** A temp dir per test, removed afterwards; stores opened through it are closed first. */
export class TempStores {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-test-'));
  private readonly opened: SyncStore[] = [];
  readonly logs: string[] = [];

  dbPath(name = 'state.sqlite'): string {
    return path.join(this.dir, name);
  }

  async open(opts: Partial<StoreOptions> = {}): Promise<SyncStore> {
    const s = await openStore({ path: this.dbPath(), log: (m) => this.logs.push(m), ...opts });
    this.opened.push(s);
    return s;
  }

  cleanup(): void {
    for (const s of this.opened) {
      try { s.close(); } catch { /* already closed */ }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A controllable clock. */
export function clock(startIso = '2026-01-01T00:00:00.000Z'): { now: () => Date; advance: (ms: number) => void; set: (iso: string) => void } {
  let t = Date.parse(startIso);
  return { now: () => new Date(t), advance: (ms) => { t += ms; }, set: (iso) => { t = Date.parse(iso); } };
}
