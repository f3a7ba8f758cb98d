// Requests to the bot as Slack sends them, signed, with response_urls minted by the Slack
// stand-in; and the approval cards the bot posts, caught as the stand-in records them.
import type { SlackChange } from '../src/local/stand-ins/slack-api';
import { blockActionBody, signedSlackEvent, slashCommandBody } from '../src/local/stand-ins/slack-requests';
import { type BenchEnvironment, CHANNEL } from './environment';

const TEAM = 'T0STANDIN';

export interface Card {
  ts: string;
  requestId: string;
}

export class SlackTraffic {
  private readonly cards: Card[] = [];

  constructor(private readonly environment: BenchEnvironment) {
    environment.slack.on('change', (change: SlackChange) => {
      if (change.type !== 'posted' || change.ephemeral || change.channel !== CHANNEL) return;
      const requestId = approveValue(change.message.blocks);
      if (requestId !== undefined) this.cards.push({ ts: change.message.ts, requestId });
    });
  }

  /** `/lambda <text>` typed by `user` in the releases channel. */
  command(text: string, user: string): unknown {
    const { slack, signingSecret } = this.environment;
    const body = slashCommandBody({
      text,
      userId: user,
      channelId: CHANNEL,
      channelName: 'releases',
      teamId: TEAM,
      responseUrl: this.environment.slackUrl(slack.responseUrl({ channel: CHANNEL, user })),
    });
    return signedSlackEvent(signingSecret, body);
  }

  /** A click on a card's Approve (or Reject) button by `user`. */
  click(card: Card, user: string, actionId = 'request.approve'): unknown {
    const { slack, signingSecret } = this.environment;
    const body = blockActionBody({
      userId: user,
      teamId: TEAM,
      channelId: CHANNEL,
      channelName: 'releases',
      messageTs: card.ts,
      responseUrl: this.environment.slackUrl(
        slack.responseUrl({ channel: CHANNEL, user, messageTs: card.ts }),
      ),
      actionId,
      value: card.requestId,
    });
    return signedSlackEvent(signingSecret, body);
  }

  /** Whether the bot posted a card since the last takeCard(). */
  hasCard(): boolean {
    return this.cards.length > 0;
  }

  /** The card posted last; fails when the bot posted none since the last call. */
  takeCard(): Card {
    const card = this.cards.pop();
    if (card === undefined) throw new Error('the bot posted no approval card');
    this.cards.length = 0;
    return card;
  }
}

function approveValue(blocks: unknown[] | undefined): string | undefined {
  for (const block of blocks ?? []) {
    const elements = (block as { type?: string; elements?: { action_id?: string; value?: string }[] })
      .elements;
    const approve = elements?.find((element) => element.action_id === 'request.approve');
    if (approve?.value !== undefined) return approve.value;
  }
  return undefined;
}
