// Automatic promotion (DESIGN.md section 3c, issue 13): the worker's periodic check opens a
// `from→to` request, as `system`, for a version that has been on `from` for the rule's `after`,
// healthy by the target alias's rollout guard on its own metrics on `from` over that time. Too few
// invocations is not healthy: it waits. The request is made through the same use case as a
// person's, so a lock, a freeze, the promotion order or an open request on the target refuses it
// exactly as it would a person's; and it goes through the target's normal approvals.
import type { AutoPromoteRule } from '../domain/config-model';
import { formatDuration } from '../domain/duration';
import { isChatopsError } from '../domain/errors';
import { judge, metricWindow } from '../domain/health';
import { isSplit, type ManagedFunction } from '../domain/model';
import type { RequestState } from '../domain/request';
import { rolloutPlanFor } from '../domain/rollout-plan';
import type { RequestAnnouncer } from '../ports';
import { allSettledOrThrow } from './all-settled-or-throw';
import { type Requested, requestPromotion } from './requests';
import type { RolloutDeps } from './rollout';

export const AUTO_PROMOTE_ACTOR = 'system';

export type AutoPromotion = {
  fn: string;
  from: string;
  to: string;
  /** The version on `from`, when it could be read. */
  version?: string;
  /** Where the card goes. */
  channel: string;
} & (
  | { outcome: 'requested'; state: RequestState }
  /** Not yet: not soaked long enough, not healthy, or not enough traffic to tell. */
  | { outcome: 'waiting'; why: string }
  /** Nothing to do, or refused (a lock, a freeze, an open request…). */
  | { outcome: 'skipped'; why: string }
);

/**
 * Records a request made by `make` and announces it in `channel` (the Slack layer's one way of
 * doing so); the request as made.
 */
export type AnnounceRequest = (
  channel: string,
  make: (announcer?: RequestAnnouncer) => Promise<Requested>,
) => Promise<Requested>;

const unannounced: AnnounceRequest = (_channel, make) => make();

/**
 * Every configured rule, for every function that has both of its aliases among its stages. Each
 * request is made through `announce`, which posts its card at the same time.
 */
export async function autoPromote(
  deps: RolloutDeps,
  announce: AnnounceRequest = unannounced,
): Promise<AutoPromotion[]> {
  const { config } = deps;
  const results: AutoPromotion[] = [];
  for (const [to, rule] of Object.entries(config.autoPromote)) {
    const channel = rule.channel ?? config.drift?.channel;
    if (channel === undefined) continue; // the loader refuses this; nowhere to post
    for (const fn of Object.values(config.functions)) {
      if (!fn.stages.includes(rule.from) || !fn.stages.includes(to)) continue;
      const base = { fn: fn.key, from: rule.from, to, channel };
      results.push(
        await consider(deps, fn, to, rule, channel, announce).catch((error: unknown): AutoPromotion => {
          if (!isChatopsError(error)) throw error;
          return { ...base, outcome: 'skipped', why: error.message };
        }),
      );
    }
  }
  return results;
}

async function consider(
  deps: RolloutDeps,
  fn: ManagedFunction,
  to: string,
  rule: AutoPromoteRule,
  channel: string,
  announce: AnnounceRequest,
): Promise<AutoPromotion> {
  const base = { fn: fn.key, from: rule.from, to, channel };
  const [source, target, known, history] = await allSettledOrThrow([
    deps.registry.getAlias(fn.functionName, rule.from),
    deps.registry.getAlias(fn.functionName, to),
    deps.audit.lastKnown(fn.key, rule.from),
    deps.audit.history(fn.key, { alias: to, limit: 50 }),
  ]);
  const version = source.version;
  const at = { ...base, version };
  if (isSplit(source)) return { ...at, outcome: 'waiting', why: `${rule.from} splits its traffic` };
  if (target.version === version && !isSplit(target)) {
    return { ...at, outcome: 'skipped', why: `${to} already runs ${version}` };
  }
  // Since when the version has run there: the bot's own record of the alias (its change, or the
  // drift check's baseline); without one, how long it has soaked is unknown and nothing is opened.
  if (!known || known.toVersion !== version) {
    return { ...at, outcome: 'waiting', why: `no record of when ${version} reached ${rule.from}` };
  }
  if (
    history.some(
      (event) =>
        event.action === 'REQUESTED' && event.actor === AUTO_PROMOTE_ACTOR && event.toVersion === version,
    )
  ) {
    // Once per version: a request people rejected or let expire is not opened again and again.
    return { ...at, outcome: 'skipped', why: `${version} was requested for ${to} automatically before` };
  }
  const now = deps.clock.now();
  const since = new Date(known.at);
  const soaked = now.getTime() - since.getTime();
  if (soaked < rule.afterMs) {
    return {
      ...at,
      outcome: 'waiting',
      why: `${version} has run on ${rule.from} for ${formatDuration(soaked)} of ${formatDuration(rule.afterMs)}`,
    };
  }
  const { guard } = rolloutPlanFor(deps.config.rollouts, to);
  const window = metricWindow({ rolloutStart: since, stepStart: since, judgeAt: now });
  const [metrics, alarms] = await allSettledOrThrow([
    deps.metrics.versionMetrics({ functionName: fn.functionName, alias: rule.from, version, window }),
    guard.alarms.length > 0 ? deps.metrics.alarmsInAlarm(guard.alarms, fn.functionName) : [],
  ]);
  const health = judge({ metrics, alarmsInAlarm: alarms, guard });
  if (health.kind !== 'healthy') return { ...at, outcome: 'waiting', why: health.reason };
  const made = await announce(channel, (announcer) =>
    requestPromotion(
      deps,
      { fn: fn.key, from: rule.from, to },
      { user: AUTO_PROMOTE_ACTOR, team: deps.config.team ?? AUTO_PROMOTE_ACTOR, channel },
      announcer,
    ),
  );
  return { ...at, outcome: 'requested', state: made.state };
}
