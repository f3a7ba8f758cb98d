// The CDK app: `npm run synth` / `npm run deploy`. The stacks are environment-agnostic, so
// synthesis needs no AWS account or credentials; `cdk deploy` deploys to the account and region of
// the credentials it runs with.
//
// - LambdaChatops: the bot (its table, secret, two functions).
// - LambdaChatopsTarget: the roles the bot assumes in the other accounts of `accounts` (issue 11),
//   synthesized when the configuration lists any; deploy it to those accounts, e.g. with a
//   CloudFormation StackSet (README.md, "Functions in other accounts").
import { App } from 'aws-cdk-lib';
import { loadConfigFile } from '../../src/config';
import { ChatopsStack } from '../lib/chatops-stack';
import { readDeploySettings } from '../lib/deploy-settings';
import { targetSettings } from '../lib/target-settings';
import { TargetStack } from '../lib/target-stack';

const app = new App();
const settings = readDeploySettings((key) => app.node.tryGetContext(key), process.env);
const config = loadConfigFile(settings.configPath);
new ChatopsStack(app, 'LambdaChatops', {
  stackName: settings.functionName,
  description:
    'lambda-chatops: promote and roll back Lambda aliases from Slack, with approvals and an audit trail',
  config,
  functionName: settings.functionName,
  driftEvents: settings.driftEvents,
  ...(settings.runtimeVersionArn ? { runtimeVersionArn: settings.runtimeVersionArn } : {}),
});
const target = targetSettings(
  config,
  app.node.tryGetContext('targetAccount'),
  app.node.tryGetContext('botRegion'),
);
if (target) {
  new TargetStack(app, 'LambdaChatopsTarget', {
    stackName: `${settings.functionName}-target`,
    description: 'lambda-chatops: the roles its bot assumes in this account (reader, promoter)',
    botFunctionName: settings.functionName,
    ...target,
  });
}
