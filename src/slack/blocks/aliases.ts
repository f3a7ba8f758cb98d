import { type AliasInfo, isSplit, percent, trafficShares } from '../../domain/model';

/** `prod → 42`, or `prod → 41 (90%) + 42 (10%)` for a split alias. */
export function aliasPointer(alias: AliasInfo): string {
  if (!isSplit(alias)) return `*${alias.name}* → ${alias.version}`;
  const parts = trafficShares(alias).map(({ version, weight }) => `${version} (${percent(weight)})`);
  return `*${alias.name}* → ${parts.join(' + ')}`;
}
