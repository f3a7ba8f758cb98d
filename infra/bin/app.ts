// The CDK app: `npm run synth` / `npm run deploy`. The stack is environment-agnostic, so synthesis
// needs no AWS account or credentials; `cdk deploy` deploys to the account and region of the
// credentials it runs with.
import { App } from 'aws-cdk-lib';
import { loadConfigFile } from '../../src/config';
import { ChatopsStack } from '../lib/chatops-stack';
import { readDeploySettings } from '../lib/deploy-settings';

const app = new App();
const settings = readDeploySettings((key) => app.node.tryGetContext(key), process.env);
new ChatopsStack(app, 'LambdaChatops', {
  stackName: settings.functionName,
  description:
    'lambda-chatops: promote and roll back Lambda aliases from Slack, with approvals and an audit trail',
  config: loadConfigFile(settings.configPath),
  functionName: settings.functionName,
});
