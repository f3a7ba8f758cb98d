// Requests that need no approval (DESIGN.md 3c: a rule of `required: 0`), wherever they are made:
// a person's command, ci.promote, automatic promotion.
import type { RequestState } from '../domain/request';
import type { SlackDeps } from './context';

/**
 * A request whose rule needs no approval (`required: 0`) is handed to the worker as soon as its
 * card is out. If the worker cannot be started, the card's Retry button (and any later look)
 * starts it: the request is APPLYING with nobody holding its claim.
 */
export async function applyIfNoApprovalNeeded(
  slack: Pick<SlackDeps, 'deps' | 'logger'>,
  state: RequestState,
  responseUrl?: string,
): Promise<void> {
  if (state.status !== 'APPLYING' || state.approvals.length > 0) return;
  const requestId = state.request.id;
  await slack.deps.queue
    .enqueue({ kind: 'apply', requestId, ...(responseUrl ? { responseUrl } : {}) })
    .catch((error: unknown) =>
      slack.logger.warn(
        `request ${requestId}: needs no approval, but its update could not be started (${String(error)})`,
      ),
    );
}
