// Everything a run starts (code-server, the browser, the emulator, temp dirs) registers its
// teardown here, so that it goes away on success, on failure, on a timeout and on Ctrl-C/SIGTERM.
import { rmSync } from 'node:fs';

type Teardown = () => Promise<void> | void;

const teardowns: Array<{ name: string; run: Teardown }> = [];
/** Process groups to kill synchronously if the process exits before the teardowns ran. */
const processGroups = new Set<number>();
let signalsInstalled = false;

export function onCleanup(name: string, run: Teardown): void {
  teardowns.push({ name, run });
}

export function trackProcessGroup(pid: number): () => void {
  processGroups.add(pid);
  return () => processGroups.delete(pid);
}

export function killProcessGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

export function removeDirLater(dir: string): void {
  onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
}

/** Runs the teardowns in reverse order; each one gets at most timeoutMs. */
export async function runCleanups(timeoutMs = 15_000): Promise<void> {
  while (teardowns.length > 0) {
    const teardown = teardowns.pop()!;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(teardown.run),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (err) {
      console.error(`e2e cleanup: ${teardown.name}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Ctrl-C, SIGTERM (CI cancelling) and SIGHUP run the teardowns, then exit 128+n. */
export function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  const codes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [signal, code] of Object.entries(codes) as Array<[NodeJS.Signals, number]>) {
    process.once(signal, () => {
      console.error(`\ne2e: ${signal}: stopping code-server, browser and emulator`);
      void runCleanups(5_000).finally(() => process.exit(code));
    });
  }
  process.once('exit', () => {
    for (const pid of processGroups) killProcessGroup(pid, 'SIGKILL');
  });
}
