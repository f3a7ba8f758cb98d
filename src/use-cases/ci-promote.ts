// A promotion asked for by CI (DESIGN.md section 3c): the same request as a person's, made through
// the same use case (policy, channel, locks, freezes, stage order, one open request per alias),
// with `ci` as its requester and who the pipeline says it is recorded in the request itself.
// Nothing here approves: approvals come only from Slack users clicking the card.
import type { CiPromote } from '../domain/ci-promote';
import { CI_ACTOR, type CiOrigin, type RequestState } from '../domain/request';
import type { Deps } from './deps';
import { cancel, requestPromotion } from './requests';

/** What Lambda tells the worker about the invocation (see CiOrigin for what it cannot tell). */
export interface CiInvocation {
  invocationId?: string;
  invokedFunctionArn?: string;
}

export async function requestFromCi(
  deps: Deps,
  input: CiPromote,
  invocation: CiInvocation,
): Promise<RequestState> {
  const origin: CiOrigin = {
    kind: 'ci',
    requestedBy: input.requestedBy,
    ...(invocation.invocationId === undefined ? {} : { invocationId: invocation.invocationId }),
    ...(invocation.invokedFunctionArn === undefined
      ? {}
      : { invokedFunctionArn: invocation.invokedFunctionArn }),
  };
  const target =
    'version' in input
      ? { fn: input.function, to: input.to, version: input.version }
      : { fn: input.function, to: input.to, from: input.from };
  const made = await requestPromotion(deps, target, {
    user: CI_ACTOR,
    // CI is in no Slack workspace: the configured one, when the configuration names it.
    team: deps.config.team ?? CI_ACTOR,
    channel: input.channel,
    origin,
  });
  return made.state;
}

/**
 * Withdraws a request from CI whose card could not be posted: nobody could approve it, and as an
 * open request it would block its alias until it expired.
 */
export async function withdrawUnannounced(deps: Deps, requestId: string): Promise<void> {
  await cancel(deps, { requestId, actor: CI_ACTOR });
}
