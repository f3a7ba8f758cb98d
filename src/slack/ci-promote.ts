// The worker's answer to `ci.promote` (DESIGN.md section 3c): check the payload, open the request
// as a person's would be, post its card in the channel and answer the invocation with where it is.
// A refusal is an answer (`ok: false` with the reason), never a thrown error: the pipeline shows
// it, and the worker's error metric stays for the bot's own faults.
import { parseCiPromote } from '../domain/ci-promote';
import { isChatopsError } from '../domain/errors';
import { CI_ACTOR } from '../domain/request';
import { type CiInvocation, requestFromCi } from '../use-cases/ci-promote';
import { type Announced, recordAndAnnounce } from './announce-request';
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
  slack: SlackDeps,
  invocation: CiInvocation,
): Promise<CiPromoteAnswer> {
  const parsed = parseCiPromote(event);
  if (!parsed.ok) return refused('INVALID_EVENT', `Invalid ci.promote event: ${parsed.problems.join('; ')}.`);
  const input = parsed.value;
  let announced: Announced;
  try {
    announced = await recordAndAnnounce(
      slack,
      input.channel,
      (announcer) => requestFromCi(slack.deps, input, invocation, announcer),
      // Nobody could approve a request without its card, and open it would hold its alias.
      { withdrawAs: CI_ACTOR },
    );
  } catch (error) {
    if (!isChatopsError(error)) throw error;
    slack.logger.info(`ci.promote refused (${error.code}) for ${input.function} ${input.to}`);
    return refused(error.code, plain(error.message));
  }
  const { made, card } = announced;
  const { request } = made.state;
  if (!card) {
    return refused(
      'CARD_NOT_POSTED',
      `${announced.unposted ?? 'The card was not posted'}, so nobody could approve: request ${request.id} was withdrawn.`,
    );
  }
  const permalink = await slack.messenger.permalink(card);
  slack.logger.info(
    `ci.promote: request ${request.id} for ${request.function} ${request.alias} → ${request.toVersion}`,
  );
  return {
    ok: true,
    requestId: request.id,
    status: made.state.status,
    channel: card.channel,
    ts: card.ts,
    ...(permalink === undefined ? {} : { permalink }),
  };
}

const refused = (code: string, message: string): CiPromoteAnswer => ({ ok: false, error: { code, message } });

/** Messages are written for Slack: a pipeline's log reads them without mrkdwn's backticks. */
const plain = (message: string) => message.replace(/`/g, '');
