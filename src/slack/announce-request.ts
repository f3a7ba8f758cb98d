// The one way to record a request and post its card, for every place that makes one: a person's
// `promote`/`rollback`, drift's Roll back, `ci.promote` and automatic promotion. The use case
// writes the request and posts the card at the same time (issue 12: one round trip for both) and
// tells this announcer what became of the request, so the card is put right: replaced when the
// request was not recorded or ended at once, removed when it is a second card of one request.
import type { ChangeRequest, RequestState } from '../domain/request';
import type { CardLocation, RequestAnnouncer } from '../ports';
import type { Requested } from '../use-cases/requests';
import { cancel } from '../use-cases/requests';
import { applyIfNoApprovalNeeded } from './apply-if-no-approval';
import { requestCard, unrecordedCard } from './blocks/request-card';
import type { SlackDeps } from './context';

export interface Announced {
  made: Requested;
  /** Where the request's card is (this delivery's or an earlier one's); absent: not in the channel. */
  card?: CardLocation;
  /** Why the card could not be posted, when it was not. */
  unposted?: string;
  /** The request was withdrawn because its card could not be posted (`withdrawAs`). */
  withdrawn?: boolean;
}

export interface AnnounceOptions {
  /** The command's or the click's response_url, handed to the worker for a request of `required: 0`. */
  responseUrl?: string | undefined;
  /**
   * Who withdraws the request (CANCELLED) when its card cannot be posted and nobody else will
   * show it: nobody could approve it, and open it would hold its alias until it expired.
   */
  withdrawAs?: string;
}

/**
 * Makes a request through `make` (the use case, given the announcer) and posts its card in
 * `channel`; then hands a request that needs no approval to the worker.
 */
export async function recordAndAnnounce(
  slack: Pick<SlackDeps, 'deps' | 'messenger' | 'logger'>,
  channel: string,
  make: (announcer: RequestAnnouncer) => Promise<Requested>,
  options: AnnounceOptions = {},
): Promise<Announced> {
  const announcer = new CardAnnouncer(slack, channel);
  const made = await make(announcer);
  const { id } = made.state.request;
  if (made.card) {
    await applyIfNoApprovalNeeded(slack, made.state, options.responseUrl);
    return { made, card: made.card };
  }
  const unposted =
    announcer.problem ?? `The card of ${id} was not posted in ${channel} (an earlier delivery's was lost)`;
  if (options.withdrawAs !== undefined) {
    await cancel(slack.deps, { requestId: id, actor: options.withdrawAs });
    return { made, unposted, withdrawn: true };
  }
  // The caller carries the card (the command's own answer), so the request can still be approved.
  await applyIfNoApprovalNeeded(slack, made.state, options.responseUrl);
  return { made, unposted };
}

/** RequestAnnouncer over Slack: the request card, posted in one channel. */
class CardAnnouncer implements RequestAnnouncer {
  /** Why the post failed, when it did. */
  problem: string | undefined;

  constructor(
    private readonly slack: Pick<SlackDeps, 'messenger' | 'logger'>,
    private readonly channel: string,
  ) {}

  async post(state: RequestState): Promise<CardLocation | undefined> {
    const posted = await this.slack.messenger.postOrWhy(this.channel, requestCard(state));
    if ('card' in posted) return posted.card;
    this.problem = posted.cannotPost
      ? `The bot cannot post in ${this.channel} (invite it to the channel, or give it chat:write.public)`
      : `Slack refused the card in ${this.channel} (${posted.code})`;
    return undefined;
  }

  async update(card: CardLocation, state: RequestState): Promise<void> {
    await this.slack.messenger.replace(requestCard(state), { card });
  }

  async unrecorded(card: CardLocation, request: ChangeRequest, why: string): Promise<void> {
    this.slack.logger.warn(`request ${request.id}: not recorded, its card replaced (${why})`);
    if (await this.slack.messenger.replace(unrecordedCard(request, why), { card })) return;
    // The notice did not take: a card without a request must not keep its buttons.
    await this.slack.messenger.remove(card);
  }

  async remove(card: CardLocation): Promise<void> {
    await this.slack.messenger.remove(card);
  }

  locationNotSaved(request: ChangeRequest, error: unknown): void {
    this.slack.logger.warn(`request ${request.id}: its card location was not saved (${String(error)})`);
  }
}
