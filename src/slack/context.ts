import type { Logger } from '@slack/logger';
import type { Deps } from '../use-cases/deps';
import type { SlackMessenger } from './cards';

/** What listeners are given: the use cases' dependencies and Slack's messenger. */
export interface SlackDeps {
  deps: Deps;
  messenger: SlackMessenger;
  logger: Logger;
}
