// The Bolt app: AwsLambdaReceiver, no auth.test (a custom authorize hands Bolt the token we
// already have), listeners registered with their dependencies passed in.
import { App, AwsLambdaReceiver } from '@slack/bolt';
import { registerActingIdentity } from './acting-middleware';
import type { SlackDeps } from './context';
import { registerDriftButtons } from './listeners/actions/drift-buttons';
import { registerRequestButtons } from './listeners/actions/request-buttons';
import { registerRolloutButtons } from './listeners/actions/rollout-buttons';
import { registerLambdaCommand } from './listeners/commands/lambda-command';
import { registerWorkspaceGuard } from './workspace-guard';

export interface SlackSecrets {
  signingSecret: string;
  botToken: string;
}

export function createApp(secrets: SlackSecrets, slack: SlackDeps, options: { slackApiUrl: string }) {
  const receiver = new AwsLambdaReceiver({ signingSecret: secrets.signingSecret, logger: slack.logger });
  const app = new App({
    receiver,
    logger: slack.logger,
    // Without it Bolt sets its logger to INFO, whatever level the function was given.
    logLevel: slack.logger.getLevel(),
    // Bolt would call auth.test on every request to learn the bot's ids; we need none of them.
    authorize: async () => ({ botToken: secrets.botToken }),
    ignoreSelf: false,
    // Bolt's conversation store runs on every request (measured: 4% of the warm CPU); unused here.
    convoStore: false,
    clientOptions: { slackApiUrl: options.slackApiUrl },
  });
  registerWorkspaceGuard(app, slack);
  registerActingIdentity(app);
  registerLambdaCommand(app, slack);
  registerRequestButtons(app, slack);
  registerDriftButtons(app, slack);
  registerRolloutButtons(app, slack);
  return { app, receiver };
}
