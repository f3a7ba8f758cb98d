// A request or command refused by a guardrail (a lock, a freeze, the promotion order), with the
// sentence that says who, when, why and until when. The sentence is kept as parts so that the
// Slack layer renders mentions and dates (and escapes the reasons people typed); `message` is
// the same sentence as plain text, for logs and for callers outside Slack (ci.promote).
import { ChatopsError } from './errors';
import { type SentencePart, sentenceText } from './sentence';

export class GuardRefusal extends ChatopsError {
  override name = 'GuardRefusal';
  constructor(readonly sentence: SentencePart[]) {
    super('NOT_ALLOWED', sentenceText(sentence));
  }
}

export const isGuardRefusal = (error: unknown): error is GuardRefusal => error instanceof GuardRefusal;
