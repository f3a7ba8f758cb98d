// What a card shows of the locks at the moment it is drawn: a lock someone else took on the
// alias after the request was made (pending: it will wait; approved: it waits). Read when a
// click redraws the card, so the card never says "moving prod…" while prod is locked.
import { isOpen, type RequestState } from '../domain/request';
import { guardsFor } from '../use-cases/request-guards';
import type { CardOptions } from './blocks/request-card';
import type { SlackDeps } from './context';

export async function cardOptionsFor(slack: SlackDeps, state: RequestState): Promise<CardOptions> {
  if (!isOpen(state.status)) return {};
  try {
    const { lock } = await guardsFor(slack.deps, state.request, slack.deps.clock.now());
    return lock ? { waitingFor: lock } : {};
  } catch (error) {
    // The card is still worth drawing without the lock: the worker checks it again before applying.
    slack.logger.warn(`request ${state.request.id}: could not read its locks (${String(error)})`);
    return {};
  }
}
