// The one way every card writer (the click, cancel, the worker) replaces a request's card. Two
// writers can race: the click's "applying…" may land after the worker's "applied". So after each
// replacement the writer reads the request again and, if it has moved on meanwhile, replaces the
// card once more. Every event is stored before its card is written, so the last replacement to
// land is followed by a read that sees the newest state: the card never ends older than the
// request. A final state needs no second look: nothing follows it. That read is a round trip after
// the update, so a click leaves its card to the worker's `request.card` task, off its HTTP answer.
import type { RequestState } from '../domain/request';
import type { CardLocation } from '../ports';
import { loadState, MAX_RACES } from '../use-cases/requests';
import { type CardOptions, requestCard } from './blocks/request-card';
import { cardOptionsFor } from './card-guards';
import type { SlackDeps } from './context';

export async function syncCard(
  slack: SlackDeps,
  state: RequestState,
  target: { card?: CardLocation | undefined; responseUrl?: string | undefined },
  options: CardOptions = {},
): Promise<boolean> {
  let shown = state;
  let where = target;
  let look = options;
  for (let round = 0; round < MAX_RACES; round++) {
    const replaced = await slack.messenger.replace(requestCard(shown, look), where);
    if (!replaced || shown.final) return replaced;
    let latest: Awaited<ReturnType<typeof loadState>>;
    try {
      latest = await loadState(slack.deps, shown.request.id);
    } catch (error) {
      slack.logger.warn(
        `request ${shown.request.id}: could not read it again after its card update (${String(error)})`,
      );
      return true;
    }
    if (latest.state.events.length <= shown.events.length) return true;
    shown = latest.state;
    // The new state is drawn with the locks as they are now (a lock it waits for), not as the
    // caller saw them for the older state.
    look = await cardOptionsFor(slack, shown);
    where = { card: where.card ?? latest.card, responseUrl: where.responseUrl };
  }
  return true;
}
