// The heartbeat's dispatch to periodic jobs, with in-memory slots: each job runs once per slot of
// its own period, an unconfigured job never, and one failing job neither stops the others nor
// passes unnoticed.
import { describe, expect, it } from 'vitest';
import type { ChatopsConfig } from '../../../src/domain/model';
import type { PeriodSlots } from '../../../src/ports';
import { type PeriodicJob, runHeartbeat } from '../../../src/slack/heartbeat';
import type { WorkerSlackDeps } from '../../../src/slack/tasks';

class MemorySlots implements PeriodSlots {
  readonly owners = new Map<string, string>();
  async take(job: string, slot: number, { owner }: { owner: string }) {
    const key = `${job}#${slot}`;
    const holder = this.owners.get(key);
    if (holder !== undefined && holder !== owner) return false;
    this.owners.set(key, owner);
    return true;
  }
}

const MINUTE = 60_000;

function setup(jobs: { name: string; every?: number; fails?: boolean }[]) {
  let now = Date.UTC(2030, 4, 6, 10, 0, 0);
  const runs: string[] = [];
  const logged: string[] = [];
  const slack = {
    deps: { config: {} as ChatopsConfig, clock: { now: () => new Date(now) }, slots: new MemorySlots() },
    logger: { error: (text: string) => logged.push(text) },
  } as unknown as WorkerSlackDeps;
  const periodic: PeriodicJob[] = jobs.map((job) => ({
    name: job.name,
    periodMs: () => job.every,
    run: async () => {
      runs.push(job.name);
      if (job.fails) throw new Error(`${job.name} broke`);
    },
  }));
  return {
    runs,
    logged,
    beat: (invocation = 'i1') => runHeartbeat(slack, invocation, periodic),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('runHeartbeat', () => {
  it('runs each job once per slot of its own period', async () => {
    const { beat, advance, runs } = setup([
      { name: 'every5', every: 5 * MINUTE },
      { name: 'every15', every: 15 * MINUTE },
    ]);
    for (let n = 0; n < 6; n++) {
      await beat(`heartbeat-${n}`);
      advance(5 * MINUTE);
    }
    expect(runs.filter((name) => name === 'every5')).toHaveLength(6);
    expect(runs.filter((name) => name === 'every15')).toHaveLength(2);
  });

  it('never runs a job whose period is not configured', async () => {
    const { beat, runs } = setup([{ name: 'off' }]);
    expect(await beat()).toEqual([]);
    expect(runs).toEqual([]);
  });

  it('runs the other jobs when one fails, then fails itself so that Lambda retries it', async () => {
    const { beat, runs, logged } = setup([
      { name: 'broken', every: 5 * MINUTE, fails: true },
      { name: 'fine', every: 5 * MINUTE },
    ]);
    await expect(beat()).rejects.toThrow('heartbeat: 1 periodic job(s) failed');
    expect(runs).toEqual(['broken', 'fine']);
    expect(logged).toEqual(['heartbeat: broken failed: broken broke']);
    // Lambda's retry of the same event takes the same slots again; another heartbeat does not.
    await expect(beat('i1')).rejects.toThrow();
    expect(await beat('i2').catch(() => 'failed')).toEqual([]);
  });
});
