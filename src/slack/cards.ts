// Posts and replaces messages: chat.postMessage / chat.update when the bot can, the
// interaction's response_url otherwise (a channel the bot has not joined). Slack failures are
// logged and reported as false, never thrown past a listener that has already acknowledged.
import type { Logger } from '@slack/logger';
import type { WebClient } from '@slack/web-api';
import type { CardLocation } from '../ports';
import type { Message } from './blocks/common';

/** Slack's answers that mean "the bot cannot post there": fall back to the response_url. */
const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/** Where Slack's response URLs live (hooks.slack.com); the API's own origin is added per deployment. */
const SLACK_RESPONSE_ORIGINS = ['https://hooks.slack.com'];

export class SlackMessenger {
  private readonly responseOrigins: Set<string>;

  /**
   * `slackApiUrl`: response URLs may also live on the Web API's origin (a stand-in, an enterprise
   * proxy). Any other origin is refused: a response_url comes in task events that whoever may
   * invoke the worker can write, and the bot must not post its answers to an arbitrary host.
   */
  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
    slackApiUrl = 'https://slack.com/api/',
  ) {
    this.responseOrigins = new Set([...SLACK_RESPONSE_ORIGINS, new URL(slackApiUrl).origin]);
  }

  /** Posts a message in a channel; undefined when the bot may not post there, or Slack failed. */
  async post(channel: string, message: Message): Promise<CardLocation | undefined> {
    const posted = await this.postOrWhy(channel, message);
    return 'card' in posted ? posted.card : undefined;
  }

  /**
   * Posts a message in a channel, or says why not: Slack's error code, and whether it means the
   * bot may not post there (`cannotPost`: not a member, private, archived).
   */
  async postOrWhy(
    channel: string,
    message: Message,
  ): Promise<{ card: CardLocation } | { code: string; cannotPost: boolean }> {
    try {
      const result = await this.client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
      });
      if (result.ts) return { card: { channel: result.channel ?? channel, ts: result.ts } };
      return { code: 'no_ts', cannotPost: false };
    } catch (error) {
      const code = slackErrorCode(error);
      const cannotPost = CANNOT_POST.has(code);
      if (cannotPost) {
        this.logger.info(`chat.postMessage refused in ${channel} (${code}): answering through response_url`);
      } else {
        // Rate-limited (429) or failing: waiting out Retry-After would overrun Slack's 3 seconds,
        // so the caller's own answer carries the message instead, at once.
        this.logger.warn(`chat.postMessage failed in ${channel} (${code}): answering through response_url`);
      }
      return { code, cannotPost };
    }
  }

  /** Deletes one of the bot's own messages (chat.delete; chat:write covers the bot's own). */
  async remove(card: CardLocation): Promise<boolean> {
    try {
      await this.client.chat.delete({ channel: card.channel, ts: card.ts });
      return true;
    } catch (error) {
      this.logger.warn(`chat.delete failed (${slackErrorCode(error)})`);
      return false;
    }
  }

  /** The message's permalink (chat.getPermalink needs no scope); undefined when Slack gives none. */
  async permalink(card: CardLocation): Promise<string | undefined> {
    try {
      const result = await this.client.chat.getPermalink({ channel: card.channel, message_ts: card.ts });
      return result.permalink;
    } catch (error) {
      this.logger.warn(`chat.getPermalink failed (${slackErrorCode(error)})`);
      return undefined;
    }
  }

  /** Replaces a message in place: by its location, else through a response_url. */
  async replace(
    message: Message,
    target: { card?: CardLocation | undefined; responseUrl?: string | undefined },
  ) {
    if (target.card) {
      try {
        await this.client.chat.update({
          channel: target.card.channel,
          ts: target.card.ts,
          text: message.text,
          blocks: message.blocks,
        });
        return true;
      } catch (error) {
        this.logger.warn(`chat.update failed (${slackErrorCode(error)})`);
      }
    }
    if (target.responseUrl) return this.respond(target.responseUrl, { ...message, replace_original: true });
    return false;
  }

  /** An ephemeral note to the person who acted, through their interaction's response_url. */
  async tell(responseUrl: string, message: Message, replaceOriginal = false) {
    return this.respond(responseUrl, {
      ...message,
      response_type: 'ephemeral',
      replace_original: replaceOriginal,
    });
  }

  private isSlackResponseUrl(responseUrl: string): boolean {
    try {
      return this.responseOrigins.has(new URL(responseUrl).origin);
    } catch {
      return false;
    }
  }

  private async respond(responseUrl: string, body: Record<string, unknown>): Promise<boolean> {
    if (!this.isSlackResponseUrl(responseUrl)) {
      this.logger.warn('response_url refused: not a Slack response URL', {
        reason: 'untrusted response_url',
      });
      return false;
    }
    try {
      const response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) this.logger.warn(`response_url answered ${response.status}`);
      return response.ok;
    } catch (error) {
      this.logger.warn(`response_url failed (${(error as Error).message})`);
      return false;
    }
  }
}

export function slackErrorCode(error: unknown): string {
  return (
    (error as { data?: { error?: string } }).data?.error ??
    (error as { code?: string }).code ??
    'unknown_error'
  );
}
