// AliasUpdater over the AWS SDK's Lambda client: the bot's one change in AWS, held by the worker
// only (the Slack-facing function's role has no lambda:UpdateAlias, and its bundle no such call).
import { LambdaClient, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import type { AliasInfo } from '../domain/model';
import type { AliasUpdater } from '../ports';
import { lambdaCall, toAlias } from './lambda-errors';

export class AwsAliasUpdater implements AliasUpdater {
  constructor(private readonly client: LambdaClient = new LambdaClient({})) {}

  async updateAlias(
    functionName: string,
    alias: string,
    change: { version: string; revisionId: string; weights: Record<string, number>; description: string },
  ): Promise<AliasInfo> {
    const result = await lambdaCall(
      this.client.send(
        new UpdateAliasCommand({
          FunctionName: functionName,
          Name: alias,
          FunctionVersion: change.version,
          RevisionId: change.revisionId,
          Description: change.description,
          // Always explicit: omitting RoutingConfig would keep a split the change means to end.
          RoutingConfig: { AdditionalVersionWeights: change.weights },
        }),
      ),
      functionName,
      'alias',
      alias,
    );
    return toAlias(result);
  }
}
