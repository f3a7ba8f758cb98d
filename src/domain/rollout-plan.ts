// Which rollout a promotion follows: the command's (`--canary 10%`), else the target alias's
// configured one, else `default` (DESIGN.md 3a). The guard always comes from the configuration,
// and so does the bake when the command names a strategy but no `--bake`/`--every`.
import type { GuardrailsConfig, RolloutPlan } from './config-model';
import type { RequestedRollout } from './parse-command';

export function rolloutPlanFor(
  rollouts: GuardrailsConfig['rollouts'],
  alias: string,
  requested?: RequestedRollout,
): RolloutPlan {
  // Own keys only: an alias may be called `constructor` or `toString`.
  const configured = Object.hasOwn(rollouts, alias) ? (rollouts[alias] as RolloutPlan) : rollouts.default;
  if (requested === undefined) return configured;
  return {
    strategy: requested.strategy,
    steps: [...requested.steps],
    bakeMs: requested.bakeMs ?? configured.bakeMs,
    guard: configured.guard,
  };
}
