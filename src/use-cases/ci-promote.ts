// A promotion asked for by CI (DESIGN.md section 3c): the same request as a person's, made through
// the same use case (policy, channel, locks, freezes, stage order, one open request per alias),
// with `ci` as its requester and who the pipeline says it is recorded in the request itself.
// Nothing here approves: approvals come only from Slack users clicking the card.
import type { CiPromote } from '../domain/ci-promote';
import { CI_ACTOR, type CiOrigin } from '../domain/request';
import type { RequestAnnouncer } from '../ports';
import type { Deps } from './deps';
import { type Requested, requestPromotion } from './requests';

/** What Lambda tells the worker about the invocation (see CiOrigin for what it cannot tell). */
export interface CiInvocation {
  invocationId?: string;
  invokedFunctionArn?: string;
}

export async function requestFromCi(
  deps: Deps,
  input: CiPromote,
  invocation: CiInvocation,
  announcer?: RequestAnnouncer,
): Promise<Requested> {
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
  return requestPromotion(
    deps,
    target,
    {
      user: CI_ACTOR,
      // CI is in no Slack workspace: the configured one, when the configuration names it.
      team: deps.config.team ?? CI_ACTOR,
      channel: input.channel,
      origin,
    },
    announcer,
  );
}
