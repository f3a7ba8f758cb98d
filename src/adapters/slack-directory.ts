// Directory over Slack's usergroups.users.list, cached briefly: a click must not wait on Slack
// for every approver check, and group changes still take effect within a minute.
import type { WebClient } from '@slack/web-api';
import { ChatopsError } from '../domain/errors';
import type { Clock, Directory } from '../ports';
import { systemClock } from '../ports';

const CACHE_MS = 60_000;

export class SlackDirectory implements Directory {
  private readonly cache = new Map<string, { members: string[]; until: number }>();

  constructor(
    private readonly client: WebClient,
    private readonly clock: Clock = systemClock,
  ) {}

  async membersOf(groupId: string): Promise<string[]> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(groupId);
    if (cached && cached.until > now) return cached.members;
    try {
      const result = await this.client.usergroups.users.list({ usergroup: groupId });
      const members = result.users ?? [];
      this.cache.set(groupId, { members, until: now + CACHE_MS });
      return members;
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
      throw new ChatopsError('UPSTREAM_FAILURE', `Slack could not list user group ${groupId} (${code}).`, {
        cause: error,
      });
    }
  }
}
