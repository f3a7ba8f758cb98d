// The worker's answer to `ci.promote` (DESIGN.md section 3c): check the payload, open the request
// as a person's would be, post its card in the channel and answer the invocation with where it is.
// A refusal is an answer (`ok: false` with the reason), never a thrown error: the pipeline shows
// it, and the worker's error metric stays for the bot's own faults.
import { parseCiPromote } from '../domain/ci-promote';
import { isChatopsError } from '../domain/errors';
import type { RequestState } from '../domain/request';
import type { CardLocation } from '../ports';
import { type CiInvocation, requestFromCi, withdrawUnannounced } from '../use-cases/ci-promote';
import { applyIfNoApprovalNeeded } from './apply-if-no-approval';
import { requestCard } from './blocks/request-card';
import { slackErrorCode } from './cards';
import type { SlackDeps } from './context';

export type CiPromoteAnswer =
  | {
      ok: true;
      requestId: string;
      status: string;
      channel: string;
      ts: string;
      /** Absent when Slack gave none: `channel` and `ts` still locate the card. */
      permalink?: string;
    }
  | { ok: false; error: { code: string; message: string } };

export async function answerCiPromote(
  event: unknown,
  { deps, messenger, logger }: SlackDeps,
  invocation: CiInvocation,
): Promise<CiPromoteAnswer> {
  const parsed = parseCiPromote(event);
  if (!parsed.ok) return refused('INVALID_EVENT', `Invalid ci.promote event: ${parsed.problems.join('; ')}.`);
  const input = parsed.value;
  let state: RequestState;
  try {
    state = await requestFromCi(deps, input, invocation);
  } catch (error) {
    if (!isChatopsError(error)) throw error;
    logger.info(`ci.promote refused (${error.code}) for ${input.function} ${input.to}`);
    return refused(error.code, plain(error.message));
  }
  const { request } = state;
  const posted = await postCard({ messenger, logger }, input.channel, state);
  if ('why' in posted) {
    // Nobody could approve a request without its card, and open it would hold its alias.
    await withdrawUnannounced(deps, request.id);
    return refused(
      'CARD_NOT_POSTED',
      `${posted.why}, so nobody could approve: request ${request.id} was withdrawn.`,
    );
  }
  const { card } = posted;
  // Without its location the card is still answered through its buttons' response_url.
  await deps.requests
    .saveCard(request, card)
    .catch((error: unknown) => logger.warn(`ci.promote: card of ${request.id} not saved (${String(error)})`));
  await applyIfNoApprovalNeeded({ deps, logger }, state);
  const permalink = await messenger.permalink(card);
  logger.info(
    `ci.promote: request ${request.id} for ${request.function} ${request.alias} → ${request.toVersion}`,
  );
  return {
    ok: true,
    requestId: request.id,
    status: state.status,
    channel: card.channel,
    ts: card.ts,
    ...(permalink === undefined ? {} : { permalink }),
  };
}

/** Posts the card; why not, when it could not be posted. */
export async function postCard(
  { messenger, logger }: Pick<SlackDeps, 'messenger' | 'logger'>,
  channel: string,
  state: RequestState,
): Promise<{ card: CardLocation } | { why: string }> {
  try {
    const card = await messenger.post(channel, requestCard(state));
    if (card) return { card };
    return {
      why: `The bot cannot post in ${channel} (invite it to the channel, or give it chat:write.public)`,
    };
  } catch (error) {
    logger.warn(`ci.promote: the card of ${state.request.id} could not be posted (${slackErrorCode(error)})`);
    return { why: `Slack refused the card in ${channel} (${slackErrorCode(error)})` };
  }
}

const refused = (code: string, message: string): CiPromoteAnswer => ({ ok: false, error: { code, message } });

/** Messages are written for Slack: a pipeline's log reads them without mrkdwn's backticks. */
const plain = (message: string) => message.replace(/`/g, '');
