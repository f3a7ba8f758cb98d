// What EventBridge delivers for a CloudTrail-recorded alias call (a stack deployed with
// `-c driftEvents=true`): the sandbox plays that part when the side panel moves an alias by hand,
// so the drift card appears as it would on AWS, within seconds, naming who made the change.
import { randomUUID } from 'node:crypto';

export function aliasCallEvent(change: {
  accountId: string;
  region: string;
  functionName: string;
  alias: string;
  version: string;
  revisionId: string;
  /** Who made the call: an IAM identity's ARN. */
  actor: string;
  at: Date;
}) {
  const time = change.at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.lambda',
    account: change.accountId,
    time,
    region: change.region,
    resources: [],
    detail: {
      eventVersion: '1.08',
      userIdentity: { type: 'AssumedRole', principalId: `AROASANDBOX:${change.actor}`, arn: change.actor },
      eventTime: time,
      eventSource: 'lambda.amazonaws.com',
      eventName: 'UpdateAlias20150331',
      awsRegion: change.region,
      requestParameters: {
        functionName: change.functionName,
        name: change.alias,
        functionVersion: change.version,
      },
      responseElements: {
        aliasArn: `arn:aws:lambda:${change.region}:${change.accountId}:function:${change.functionName}:${change.alias}`,
        name: change.alias,
        functionVersion: change.version,
        description: '',
        revisionId: change.revisionId,
      },
      eventID: randomUUID(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: change.accountId,
    },
  };
}
