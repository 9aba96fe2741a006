// The poll scheduler on a hand-driven clock: interval with jitter, no overlapping runs, stop()
// waits for the run in flight, failures do not end the schedule, 0 turns it off.
import assert from 'node:assert/strict';
import { jitteredDelay, PollScheduler, PollSchedulerError, type TimerClock } from '../../src/core/sync/pollScheduler';

/** Timers fire only when the test advances time. */
class ManualClock implements TimerClock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  /** Moves time forward, firing due timers in order, letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** A run that stays in flight until the test releases it. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

describe('poll scheduler', () => {
  it('jitter keeps the delay within interval ± share', () => {
    assert.equal(jitteredDelay(1000, 0.1, () => 0), 900);
    assert.equal(jitteredDelay(1000, 0.1, () => 0.5), 1000);
    assert.equal(jitteredDelay(1000, 0.1, () => 1), 1100);
    assert.equal(jitteredDelay(1000, 0, () => 0.9), 1000);
  });

  it('runs once per jittered interval, counted from the end of the previous run', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    const s = new PollScheduler({ intervalMs: 1000, jitter: 0.2, random: () => 0, clock, run: async () => { starts.push(clock.now()); } });
    s.start();
    assert.equal(s.state().nextRunAt, 800);
    await clock.advance(799);
    assert.deepEqual(starts, []);
    await clock.advance(1);
    assert.deepEqual(starts, [800]);
    await clock.advance(1600);
    assert.deepEqual(starts, [800, 1600, 2400]);
    assert.equal(s.state().runs, 3);
    await s.stop();
    await clock.advance(5000);
    assert.equal(starts.length, 3, 'nothing runs after stop');
    assert.equal(clock.pending, 0);
  });

  it('never overlaps: a due tick or runNow during a run joins it', async () => {
    const clock = new ManualClock();
    let concurrent = 0;
    let maxConcurrent = 0;
    let calls = 0;
    let current = gate();
    const s = new PollScheduler({
      intervalMs: 100, jitter: 0, clock,
      run: async () => {
        calls++;
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await current.done;
        concurrent--;
      },
    });
    s.start();
    await clock.advance(100);
    assert.equal(calls, 1);
    const joined = s.runNow();
    await clock.advance(1000);
    assert.equal(calls, 1, 'no timer is armed while a run is in flight');
    assert.equal(s.state().running, true);
    current.release();
    await joined;
    assert.equal(s.state().running, false);
    current = gate();
    current.release();
    await clock.advance(100);
    assert.equal(calls, 2);
    assert.equal(maxConcurrent, 1);
    await s.stop();
  });

  it('stop() aborts the signal of the run in flight and waits for it', async () => {
    const clock = new ManualClock();
    const g = gate();
    let sawAbort = false;
    let finished = false;
    const s = new PollScheduler({
      intervalMs: 50, jitter: 0, clock,
      run: async (signal) => {
        signal.addEventListener('abort', () => { sawAbort = true; g.release(); });
        await g.done;
        finished = true;
      },
    });
    s.start();
    await clock.advance(50);
    assert.equal(s.state().running, true);
    await s.stop();
    assert.equal(sawAbort, true);
    assert.equal(finished, true, 'stop resolved only after the run ended');
    assert.equal(clock.pending, 0);
  });

  it('a failing run is reported and the schedule continues', async () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    let n = 0;
    const s = new PollScheduler({
      intervalMs: 10, jitter: 0, clock, onError: (e) => errors.push(e),
      run: async () => { n++; if (n === 1) throw new Error('boom'); },
    });
    s.start();
    await clock.advance(30);
    assert.equal(n, 3);
    assert.equal(errors.length, 1);
    assert.equal(s.state().failures, 1);
    await s.stop();
  });

  it('interval 0 is off; a negative interval is refused', async () => {
    const clock = new ManualClock();
    let n = 0;
    const s = new PollScheduler({ intervalMs: 0, clock, run: async () => { n++; } });
    s.start();
    assert.equal(s.state().enabled, false);
    assert.equal(clock.pending, 0);
    await s.runNow();
    assert.equal(n, 1, 'a manual run still works');
    assert.equal(clock.pending, 0);
    await s.stop();
    assert.throws(() => new PollScheduler({ intervalMs: -1, run: async () => undefined }), PollSchedulerError);
  });
});
