// The heartbeat (DESIGN.md section 3b): one recurring schedule invokes the worker every 5 minutes
// with {"kind": "heartbeat"}, and each periodic job runs when its own period has come round. A job
// runs once per period slot: the first heartbeat of the slot takes it with a conditional write, so
// duplicate or concurrent heartbeats run it once, and configuration read at run time needs no new
// schedule. Adding a periodic job is one entry in PERIODIC_JOBS.

import { type DriftState, periodSlot } from '../domain/drift';
import type { ChatopsConfig } from '../domain/model';
import { AUTO_PROMOTE_ACTOR, autoPromote } from '../use-cases/auto-promote';
import { checkDrift } from '../use-cases/drift';
import { applyWaiting } from '../use-cases/locks';
import { recordAndAnnounce } from './announce-request';
import { driftCard } from './blocks/drift-card';
import type { WorkerSlackDeps } from './tasks';

export interface PeriodicJob {
  /** Names its slots in the audit table (`HEARTBEAT#<name>#<slot>`). */
  name: string;
  /** How often it runs, from the configuration; undefined: it is off. */
  periodMs(config: ChatopsConfig): number | undefined;
  run(slack: WorkerSlackDeps): Promise<void>;
}

/** Drift: every configured stage alias against what the bot last knew; new drifts announced. */
export const driftJob: PeriodicJob = {
  name: 'drift',
  periodMs: (config) => config.drift?.everyMs,
  async run(slack) {
    const { drifts, recorded, failures } = await checkDrift(slack.deps);
    for (const failure of failures) slack.logger.warn(`drift check: ${failure}`);
    for (const state of drifts) await announceDrift(slack, state);
    for (const state of recorded) await announceDrift(slack, state, true);
  },
};

/** The heartbeat's own period: a job with it runs at every heartbeat. */
export const HEARTBEAT_MS = 5 * 60_000;

/**
 * Locks that ended by themselves (DESIGN.md 3b): the approved requests they kept waiting are
 * handed to the worker, which applies them (or ends them EXPIRED).
 */
export const expiredLocksJob: PeriodicJob = {
  name: 'locks',
  periodMs: () => HEARTBEAT_MS,
  async run(slack) {
    for (const fn of Object.keys(slack.deps.config.functions)) {
      const started = await applyWaiting(slack.deps, fn);
      if (started.length > 0)
        slack.logger.info(`heartbeat: ${fn}: handed to the worker ${started.join(', ')}`);
    }
  },
};

/**
 * Automatic promotion (DESIGN.md 3c): at every heartbeat while `autoPromote` is configured, the
 * soaked, healthy versions get their request, whose card goes to the rule's channel. A card that
 * cannot be posted withdraws its request: nobody could approve it, and open it would hold its alias.
 */
export const autoPromoteJob: PeriodicJob = {
  name: 'autoPromote',
  periodMs: (config) => (Object.keys(config.autoPromote).length > 0 ? HEARTBEAT_MS : undefined),
  async run(slack) {
    const { deps, logger } = slack;
    const results = await autoPromote(deps, async (channel, make) => {
      const { made, withdrawn, unposted } = await recordAndAnnounce(slack, channel, make, {
        withdrawAs: AUTO_PROMOTE_ACTOR,
      });
      const { id } = made.state.request;
      if (withdrawn) logger.warn(`auto-promotion: ${unposted ?? 'no card'}; request ${id} withdrawn`);
      return made;
    });
    for (const result of results) {
      const what = `${result.fn} ${result.from}→${result.to}${result.version ? ` (${result.version})` : ''}`;
      if (result.outcome !== 'requested') {
        logger.info(`auto-promotion: ${what}: ${result.outcome}: ${result.why}`);
        continue;
      }
      logger.info(`auto-promotion: ${what}: request ${result.state.request.id}`);
    }
  },
};

export const PERIODIC_JOBS: readonly PeriodicJob[] = [driftJob, expiredLocksJob, autoPromoteJob];

/**
 * How long the look that recorded a drift has to post its card before a later look, finding no
 * card, takes it for failed and posts it.
 */
export const ANNOUNCE_GRACE_MS = 2 * 60_000;

/**
 * Posts a drift's card to the drift channel and remembers where. A drift recorded before
 * (`again`) is posted only if its card is missing well after it was recorded: the look that
 * recorded it could not post it (Slack failed).
 */
export async function announceDrift(slack: WorkerSlackDeps, state: DriftState, again = false): Promise<void> {
  const { drifted } = state;
  const { deps, logger, messenger } = slack;
  const now = deps.clock.now();
  if (again) {
    if (now.getTime() - Date.parse(drifted.at) < ANNOUNCE_GRACE_MS) return;
    if (await deps.driftCards.find(drifted.requestId)) return;
  }
  logger.info(`drift ${drifted.requestId}: ${drifted.function} ${drifted.alias} ${drifted.reason ?? ''}`);
  const posted = await messenger.post(drifted.channel, driftCard(state));
  if (!posted) {
    logger.warn(`drift ${drifted.requestId}: the card could not be posted in ${drifted.channel}`);
    return;
  }
  await deps.driftCards.save(drifted.requestId, posted, now);
}

/**
 * Runs every job whose slot this heartbeat takes. A job that fails does not stop the others; the
 * heartbeat then fails, and Lambda's retry of the same event (same invocation id, so the same
 * slots) runs them again: each job is safe to run twice.
 */
export async function runHeartbeat(
  slack: WorkerSlackDeps,
  invocation: string,
  jobs: readonly PeriodicJob[] = PERIODIC_JOBS,
): Promise<string[]> {
  const ran: string[] = [];
  const errors: unknown[] = [];
  for (const job of jobs) {
    const period = job.periodMs(slack.deps.config);
    if (period === undefined) continue;
    const now = slack.deps.clock.now();
    const taken = await slack.deps.slots.take(job.name, periodSlot(now, period), {
      owner: invocation,
      now,
      // Past the slot and Lambda's retries of the event; then DynamoDB's TTL removes it.
      keepMs: period + 24 * 60 * 60_000,
    });
    if (!taken) continue;
    try {
      await job.run(slack);
      ran.push(job.name);
    } catch (error) {
      slack.logger.error(
        `heartbeat: ${job.name} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      errors.push(error);
    }
  }
  if (errors.length > 0)
    throw new AggregateError(errors, `heartbeat: ${errors.length} periodic job(s) failed`);
  return ran;
}
