// Where a managed function lives, for `list` and `status` when the configuration spans more than
// one account or region (issue 11): the functions are grouped under a line naming the place.
import type { KnownBlock } from '@slack/types';
import type { ManagedFunction } from '../../domain/model';
import { context } from './common';

/** "account 222222222222 · eu-west-1"; the bot's own account and region read as such. */
export function locationLabel(fn: ManagedFunction, otherAccounts: readonly string[]): string {
  const account =
    fn.account !== undefined && otherAccounts.includes(fn.account) ? `account ${fn.account}` : 'this account';
  return `${account} · ${fn.region ?? 'this region'}`;
}

/**
 * The items grouped by place, in the order each place first appears, each group's blocks after a
 * line naming the place; the blocks as they are when every function is in one place.
 */
export function groupedByLocation<T extends { fn: ManagedFunction }>(
  items: T[],
  otherAccounts: readonly string[],
  render: (item: T) => KnownBlock[],
): KnownBlock[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const label = locationLabel(item.fn, otherAccounts);
    groups.set(label, [...(groups.get(label) ?? []), item]);
  }
  if (groups.size <= 1) return items.flatMap(render);
  return [...groups].flatMap(([label, members]) => [
    context(`:round_pushpin: *${label}*`),
    ...members.flatMap(render),
  ]);
}
