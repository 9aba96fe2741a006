// Background poll: runs a sync every interval (with jitter, so many clients started together do
// not hit the service in lockstep), never two runs at once, and stop() waits for the run in
// flight. The timer is injected so tests drive time by hand.

/** The timer functions the scheduler uses; the real ones by default. */
export interface TimerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimerClock: TimerClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending poll must not keep a process alive that has nothing else to do.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface PollSchedulerOptions {
  /** Milliseconds between the end of one run and the start of the next; 0 turns polling off. */
  intervalMs: number;
  /** Share of the interval added or taken at random (0..1, default 0.1). */
  jitter?: number;
  /** The work of one poll; the signal aborts when stop() is called. */
  run: (signal: AbortSignal) => Promise<void>;
  /** A failed run is reported here and the schedule goes on. */
  onError?: (error: unknown) => void;
  clock?: TimerClock;
  /** 0..1; injected for deterministic tests. */
  random?: () => number;
}

export interface PollSchedulerState {
  enabled: boolean;
  running: boolean;
  runs: number;
  failures: number;
  lastRunAt?: number;
  nextRunAt?: number;
}

export class PollSchedulerError extends Error {
  override readonly name = 'PollSchedulerError';
}

/** The delay before the next run: interval ± jitter share, never negative. */
export function jitteredDelay(intervalMs: number, jitter: number, random: () => number): number {
  const spread = intervalMs * jitter;
  return Math.max(0, Math.round(intervalMs - spread + 2 * spread * random()));
}

export class PollScheduler {
  private readonly clock: TimerClock;
  private readonly random: () => number;
  private readonly jitter: number;
  private timer: unknown;
  private inFlight: Promise<void> | undefined;
  private controller = new AbortController();
  private started = false;
  private stopped = false;
  private readonly st: PollSchedulerState;

  constructor(private readonly options: PollSchedulerOptions) {
    if (!Number.isFinite(options.intervalMs) || options.intervalMs < 0) {
      throw new PollSchedulerError(`The poll interval must be 0 (off) or a positive number of milliseconds; got ${options.intervalMs}.`);
    }
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.1));
    this.clock = options.clock ?? systemTimerClock;
    this.random = options.random ?? Math.random;
    this.st = { enabled: options.intervalMs > 0, running: false, runs: 0, failures: 0 };
  }

  /** Schedules the first run one (jittered) interval from now. Does nothing when polling is off. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.scheduleNext();
  }

  /**
   * Runs now unless a run is already in flight, in which case that run's promise is returned:
   * two runs never overlap. The next timed run is counted from the end of this one.
   */
  runNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.inFlight) return this.inFlight;
    this.cancelTimer();
    this.inFlight = this.execute().finally(() => {
      this.inFlight = undefined;
      if (this.started && !this.stopped) this.scheduleNext();
    });
    return this.inFlight;
  }

  /** No further runs; aborts the signal of the run in flight and waits for it to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer();
    this.controller.abort(new Error('poll scheduler stopped'));
    if (this.inFlight) await this.inFlight;
  }

  state(): PollSchedulerState {
    return { ...this.st };
  }

  private async execute(): Promise<void> {
    this.st.running = true;
    this.st.lastRunAt = this.clock.now();
    this.st.runs += 1;
    try {
      await this.options.run(this.controller.signal);
    } catch (error) {
      this.st.failures += 1;
      this.options.onError?.(error);
    } finally {
      this.st.running = false;
    }
  }

  private scheduleNext(): void {
    if (!this.st.enabled) return;
    const delay = jitteredDelay(this.options.intervalMs, this.jitter, this.random);
    this.st.nextRunAt = this.clock.now() + delay;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.runNow();
    }, delay);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.st.nextRunAt = undefined;
  }
}
