import type { AliasInfo } from '../../domain/model';

/** `prod → 42`, or `prod → 41 (90%) + 42 (10%)` for a split alias. */
export function aliasPointer(alias: AliasInfo): string {
  const extra = Object.entries(alias.additionalWeights);
  if (extra.length === 0) return `*${alias.name}* → ${alias.version}`;
  const rest = extra.reduce((sum, [, weight]) => sum + weight, 0);
  const parts = [`${alias.version} (${percent(1 - rest)})`, ...extra.map(([v, w]) => `${v} (${percent(w)})`)];
  return `*${alias.name}* → ${parts.join(' + ')}`;
}

export const percent = (weight: number) => `${Math.round(weight * 1000) / 10}%`;
