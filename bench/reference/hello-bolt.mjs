// The reference for cold start: Bolt's own AWS Lambda hello world (examples/deploy-aws-lambda),
// bundled plainly by esbuild, without stubs. Its Web API calls go to SLACK_API_URL (the stand-in).
import bolt from '@slack/bolt';

const { App, AwsLambdaReceiver } = bolt;

const receiver = new AwsLambdaReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET });

const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  receiver,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});

app.command('/lambda', async ({ ack }) => {
  await ack('Hello from Bolt!');
});

export const handler = async (event, context) => {
  const handle = await receiver.start();
  return handle(event, context);
};
