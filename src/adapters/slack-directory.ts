// Directory over Slack's usergroups.users.list, cached briefly: a click must not wait on Slack
// for every approver check, and group changes still take effect within a minute. A lookup in
// flight is shared: a click prefetches its groups while it loads the request, and the approver
// check that follows waits for that same call instead of making a second one.
import type { WebClient } from '@slack/web-api';
import { ChatopsError } from '../domain/errors';
import type { Clock, Directory } from '../ports';
import { systemClock } from '../ports';

const CACHE_MS = 60_000;

export class SlackDirectory implements Directory {
  private readonly cache = new Map<string, { members: Promise<string[]>; until: number }>();

  constructor(
    private readonly client: WebClient,
    private readonly clock: Clock = systemClock,
  ) {}

  membersOf(groupId: string): Promise<string[]> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(groupId);
    if (cached && cached.until > now) return cached.members;
    const members = this.fetch(groupId);
    const entry = { members, until: now + CACHE_MS };
    this.cache.set(groupId, entry);
    // A failure is not remembered: the next ask tries Slack again.
    members.catch(() => {
      if (this.cache.get(groupId) === entry) this.cache.delete(groupId);
    });
    return members;
  }

  private async fetch(groupId: string): Promise<string[]> {
    try {
      const result = await this.client.usergroups.users.list({ usergroup: groupId });
      return result.users ?? [];
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
      throw new ChatopsError('UPSTREAM_FAILURE', `Slack could not list user group ${groupId} (${code}).`, {
        cause: error,
      });
    }
  }
}
