// AliasUpdater over the AWS SDK's Lambda client: the bot's one change in AWS, held by the worker
// only (the Slack-facing function's role has no lambda:UpdateAlias, and its bundle no such call).
import { LambdaClient, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import type { AliasInfo } from '../domain/model';
import type { AliasUpdater } from '../ports';
import { type LambdaClientSource, singleClient } from './lambda-clients';
import { lambdaCall, toAlias } from './lambda-errors';

export class AwsAliasUpdater implements AliasUpdater {
  private readonly clientFor: LambdaClientSource;

  constructor(clients: LambdaClientSource | LambdaClient = new LambdaClient({})) {
    this.clientFor = typeof clients === 'function' ? clients : singleClient(clients);
  }

  async updateAlias(
    functionName: string,
    alias: string,
    change: { version: string; revisionId: string; weights: Record<string, number>; description: string },
  ): Promise<AliasInfo> {
    const result = await lambdaCall(
      (await this.clientFor(functionName)).send(
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
      this.clientFor.whereIs,
    );
    return toAlias(result);
  }
}
