// The one place where errors become sentences for Slack. Known errors say what was wrong and what
// to do; anything else is logged and answered with an apology that leaks nothing. The usage line
// is for mistakes in the command: an infrastructure failure (throttled, unreachable, our own bug)
// is answered without it, since nothing about the command was wrong. Infrastructure errors are
// logged with the error itself, so the log line carries its name, AWS's status and the cause
// chain down to what AWS said, which the sentence for Slack leaves out.
import type { Logger } from '@slack/logger';
import { isChatopsError } from '../domain/errors';
import { isGuardRefusal } from '../domain/guard-refusal';
import type { Message } from './blocks/common';
import { errorMessage, refusalMessage } from './blocks/error';

export function errorReply(error: unknown, usage: string | undefined, logger: Logger): Message {
  // A guardrail's refusal names people and times: rendered as mentions and dates, reasons escaped.
  if (isGuardRefusal(error)) return refusalMessage(error.sentence, usage);
  if (isChatopsError(error)) {
    switch (error.code) {
      case 'THROTTLED':
        logger.warn(`throttled: ${error.message}`, error);
        return errorMessage(`${error.message} Nothing was changed; try again in a minute.`);
      case 'UPSTREAM_FAILURE':
        logger.error(`infrastructure error: ${error.message}`, error);
        return errorMessage(
          `${error.message} Nothing was changed; try again, or ask the bot's admins if it persists.`,
        );
      default:
        return errorMessage(error.message, usage);
    }
  }
  logger.error(
    `unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    error instanceof Error ? error : { error: String(error) },
  );
  return errorMessage('Something went wrong on our side, sorry. Try again in a moment.');
}
